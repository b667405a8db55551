CREATE TABLE `peer_item_sums` (
	`dimension` text NOT NULL,
	`key` text NOT NULL,
	`item_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`n` integer NOT NULL,
	`total` real NOT NULL,
	PRIMARY KEY(`dimension`, `key`, `item_id`, `bucket`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `peer_score_counts` (
	`scale` integer NOT NULL,
	`dimension` text NOT NULL,
	`key` text NOT NULL,
	`measure` text NOT NULL,
	`bucket` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`scale`, `dimension`, `key`, `measure`, `bucket`)
) WITHOUT ROWID;
