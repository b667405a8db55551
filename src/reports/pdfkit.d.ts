// pdfkit ships no types; src/reports/pdfkit-font-reuse.ts is the one place that imports it.
declare module 'pdfkit' {
  const PDFDocument: { prototype: object };
  export default PDFDocument;
}
