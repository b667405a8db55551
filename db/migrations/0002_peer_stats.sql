CREATE TABLE `peer_item_sums` (
	`dimension` text NOT NULL,
	`key` text NOT NULL,
	`item_id` text NOT NULL,
	`n` blob NOT NULL,
	`total` blob NOT NULL,
	PRIMARY KEY(`dimension`, `key`, `item_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `peer_score_counts` (
	`dimension` text NOT NULL,
	`key` text NOT NULL,
	`measure` text NOT NULL,
	`point` integer NOT NULL,
	`n` integer NOT NULL,
	`hundredths` blob NOT NULL,
	PRIMARY KEY(`dimension`, `key`, `measure`, `point`)
) WITHOUT ROWID;
