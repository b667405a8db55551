CREATE TABLE `invitations` (
	`id` integer PRIMARY KEY NOT NULL,
	`study_id` integer NOT NULL,
	`wave_id` integer NOT NULL,
	`company_id` integer,
	`email` text,
	`email_hash` text NOT NULL,
	`token_hash` text NOT NULL,
	`participant_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`queued_at` integer,
	`opened_at` integer,
	`started_at` integer,
	`completed_at` integer,
	`unsubscribed_at` integer,
	`reminders_queued` integer DEFAULT 0 NOT NULL,
	`last_queued_at` integer,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`wave_id`) REFERENCES `study_waves`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash_unique` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_wave_company_email_idx` ON `invitations` (`wave_id`,`company_id`,`email_hash`);--> statement-breakpoint
CREATE INDEX `invitations_study_idx` ON `invitations` (`study_id`);--> statement-breakpoint
CREATE INDEX `invitations_participant_idx` ON `invitations` (`participant_id`);--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`message_id` text NOT NULL,
	`to_address` text,
	`subject` text,
	`text_body` text,
	`html_body` text,
	`headers` text,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`invitation_id` integer,
	`consultant_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`consultant_id`) REFERENCES `consultants`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_dedupe_key_unique` ON `mail_outbox` (`dedupe_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_message_id_unique` ON `mail_outbox` (`message_id`);--> statement-breakpoint
CREATE INDEX `mail_outbox_state_next_idx` ON `mail_outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_invitation_idx` ON `mail_outbox` (`invitation_id`);--> statement-breakpoint
CREATE TABLE `study_waves` (
	`id` integer PRIMARY KEY NOT NULL,
	`study_id` integer NOT NULL,
	`number` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`study_id`) REFERENCES `studies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `study_waves_study_number_idx` ON `study_waves` (`study_id`,`number`);--> statement-breakpoint
CREATE TABLE `wave_links` (
	`id` integer PRIMARY KEY NOT NULL,
	`wave_id` integer NOT NULL,
	`company_id` integer,
	`token` text NOT NULL,
	FOREIGN KEY (`wave_id`) REFERENCES `study_waves`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wave_links_token_unique` ON `wave_links` (`token`);--> statement-breakpoint
CREATE INDEX `wave_links_wave_company_idx` ON `wave_links` (`wave_id`,`company_id`);--> statement-breakpoint
ALTER TABLE `companies` ADD `industry` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `employees` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `sales_team` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `region` text;--> statement-breakpoint
ALTER TABLE `companies` ADD `motion` text;--> statement-breakpoint
ALTER TABLE `consultants` ADD `weekly_summary` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `consultants` ADD `summary_queued_at` integer;--> statement-breakpoint
ALTER TABLE `participants` ADD `wave_id` integer REFERENCES study_waves(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `participants` ADD `previous_id` integer REFERENCES participants(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `participants` ADD `display_name` text;--> statement-breakpoint
CREATE INDEX `participants_wave_idx` ON `participants` (`wave_id`);--> statement-breakpoint
CREATE INDEX `participants_previous_idx` ON `participants` (`previous_id`);--> statement-breakpoint
ALTER TABLE `studies` ADD `reminder_days` integer;--> statement-breakpoint
ALTER TABLE `studies` ADD `reminder_max` integer DEFAULT 2 NOT NULL;;--> statement-breakpoint
-- Every existing study becomes wave 1, with the links it had.
INSERT INTO `study_waves` (`study_id`, `number`, `created_at`) SELECT `id`, 1, `created_at` FROM `studies`;--> statement-breakpoint
INSERT INTO `wave_links` (`wave_id`, `company_id`, `token`) SELECT w.`id`, NULL, s.`invite_token` FROM `studies` s JOIN `study_waves` w ON w.`study_id` = s.`id` AND w.`number` = 1;--> statement-breakpoint
INSERT INTO `wave_links` (`wave_id`, `company_id`, `token`) SELECT w.`id`, c.`id`, c.`invite_token` FROM `companies` c JOIN `study_waves` w ON w.`study_id` = c.`study_id` AND w.`number` = 1 WHERE c.`invite_token` IS NOT NULL;--> statement-breakpoint
UPDATE `participants` SET `wave_id` = (SELECT w.`id` FROM `study_waves` w WHERE w.`study_id` = `participants`.`study_id` AND w.`number` = 1) WHERE `study_id` IS NOT NULL;