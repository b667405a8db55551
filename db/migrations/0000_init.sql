CREATE TABLE `answers` (
	`participant_id` integer NOT NULL,
	`item_id` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`participant_id`, `item_id`),
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `companies` (
	`id` integer PRIMARY KEY NOT NULL,
	`study_id` integer,
	`name` text NOT NULL,
	`invite_token` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `companies_invite_token_unique` ON `companies` (`invite_token`);--> statement-breakpoint
CREATE INDEX `companies_study_idx` ON `companies` (`study_id`);--> statement-breakpoint
CREATE TABLE `consultants` (
	`id` integer PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`password_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consultants_email_unique` ON `consultants` (`email`);--> statement-breakpoint
CREATE TABLE `participant_numbers` (
	`participant_id` integer PRIMARY KEY NOT NULL,
	`opportunities` real,
	`deal_value` real,
	`currency` text,
	`win_rate` real,
	`cycle_days` real,
	`quota` real,
	`pipeline` real,
	`won_count` real,
	`won_value` real,
	`lost_count` real,
	`lost_value` real,
	`open_count` real,
	`open_value` real,
	`stage1` real,
	`stage2` real,
	`stage3` real,
	`stage4` real,
	`stage5` real,
	`stage6` real,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `participants` (
	`id` integer PRIMARY KEY NOT NULL,
	`study_id` integer,
	`company_id` integer,
	`role` text NOT NULL,
	`company_name` text NOT NULL,
	`industry` text NOT NULL,
	`employees` text NOT NULL,
	`sales_team` text NOT NULL,
	`region` text NOT NULL,
	`motion` text NOT NULL,
	`instrument_id` text NOT NULL,
	`instrument_version` integer NOT NULL,
	`status` text DEFAULT 'in_progress' NOT NULL,
	`resume_token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `participants_resume_token_hash_unique` ON `participants` (`resume_token_hash`);--> statement-breakpoint
CREATE INDEX `participants_study_idx` ON `participants` (`study_id`);--> statement-breakpoint
CREATE INDEX `participants_company_idx` ON `participants` (`company_id`);--> statement-breakpoint
CREATE TABLE `scores` (
	`participant_id` integer PRIMARY KEY NOT NULL,
	`value` real,
	`number` real,
	`win_rate` real,
	`cycle` real,
	`velocity` real NOT NULL,
	`approach` real,
	`execution` real,
	`personal` real,
	`study_id` integer,
	`company_id` integer,
	`role` text NOT NULL,
	`industry` text NOT NULL,
	`employees` text NOT NULL,
	`sales_team` text NOT NULL,
	`region` text NOT NULL,
	`motion` text NOT NULL,
	`instrument_version` integer NOT NULL,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `scores_velocity_idx` ON `scores` (`velocity`);--> statement-breakpoint
CREATE INDEX `scores_industry_velocity_idx` ON `scores` (`industry`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_employees_velocity_idx` ON `scores` (`employees`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_industry_employees_velocity_idx` ON `scores` (`industry`,`employees`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_role_personal_idx` ON `scores` (`role`,`personal`);--> statement-breakpoint
CREATE INDEX `scores_personal_idx` ON `scores` (`personal`);--> statement-breakpoint
CREATE INDEX `scores_study_idx` ON `scores` (`study_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`consultant_id` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`consultant_id`) REFERENCES `consultants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_consultant_idx` ON `sessions` (`consultant_id`);--> statement-breakpoint
CREATE TABLE `studies` (
	`id` integer PRIMARY KEY NOT NULL,
	`consultant_id` integer NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`invite_token` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`consultant_id`) REFERENCES `consultants`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `studies_invite_token_unique` ON `studies` (`invite_token`);--> statement-breakpoint
CREATE INDEX `studies_consultant_idx` ON `studies` (`consultant_id`);