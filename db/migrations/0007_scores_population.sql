CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
-- Edited by hand after generation: SQLite cannot add a NOT NULL column without a default, and the column has
-- none on purpose (every writer decides its population), so `scores` is rebuilt with it. Existing rows are
-- backfilled: seeded participants carry a resume-token "hash" that no SHA-256 hex digest can equal
-- ('synthetic:…', src/server/repositories/bulk.ts), so they are `demo`; everyone else was a real
-- participant and stays in the benchmark. The peer statistics are rebuilt for the population in force the
-- first time the database is opened after this (src/server/services/peer-stats.ts, ensurePeerStats).
CREATE TABLE `__new_scores` (
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
	`population` text NOT NULL,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_scores` (`participant_id`, `value`, `number`, `win_rate`, `cycle`, `velocity`, `approach`, `execution`, `personal`, `study_id`, `company_id`, `role`, `industry`, `employees`, `sales_team`, `region`, `motion`, `instrument_version`, `population`, `computed_at`)
SELECT s.`participant_id`, s.`value`, s.`number`, s.`win_rate`, s.`cycle`, s.`velocity`, s.`approach`, s.`execution`, s.`personal`, s.`study_id`, s.`company_id`, s.`role`, s.`industry`, s.`employees`, s.`sales_team`, s.`region`, s.`motion`, s.`instrument_version`,
	CASE WHEN p.`resume_token_hash` LIKE 'synthetic:%' THEN 'demo' ELSE 'benchmark' END,
	s.`computed_at`
FROM `scores` s JOIN `participants` p ON p.`id` = s.`participant_id`;
--> statement-breakpoint
DROP TABLE `scores`;--> statement-breakpoint
ALTER TABLE `__new_scores` RENAME TO `scores`;--> statement-breakpoint
CREATE INDEX `scores_population_velocity_idx` ON `scores` (`instrument_version`,`population`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_population_industry_velocity_idx` ON `scores` (`instrument_version`,`population`,`industry`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_population_employees_velocity_idx` ON `scores` (`instrument_version`,`population`,`employees`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_population_industry_employees_velocity_idx` ON `scores` (`instrument_version`,`population`,`industry`,`employees`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_population_role_personal_idx` ON `scores` (`instrument_version`,`population`,`role`,`personal`);--> statement-breakpoint
CREATE INDEX `scores_population_personal_idx` ON `scores` (`instrument_version`,`population`,`personal`);--> statement-breakpoint
CREATE INDEX `scores_study_idx` ON `scores` (`study_id`);
