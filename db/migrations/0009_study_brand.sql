ALTER TABLE `studies` ADD `brand_name` text;--> statement-breakpoint
ALTER TABLE `studies` ADD `brand_accent` text;--> statement-breakpoint
ALTER TABLE `studies` ADD `brand_logo` blob;--> statement-breakpoint
ALTER TABLE `studies` ADD `brand_logo_width` integer;--> statement-breakpoint
ALTER TABLE `studies` ADD `brand_logo_height` integer;--> statement-breakpoint
ALTER TABLE `studies` ADD `brand_logo_key` text;--> statement-breakpoint
ALTER TABLE `studies` ADD `brand_updated_at` integer;--> statement-breakpoint
CREATE INDEX `studies_brand_logo_key_idx` ON `studies` (`brand_logo_key`);