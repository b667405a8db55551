DROP INDEX `scores_velocity_idx`;--> statement-breakpoint
DROP INDEX `scores_industry_velocity_idx`;--> statement-breakpoint
DROP INDEX `scores_employees_velocity_idx`;--> statement-breakpoint
DROP INDEX `scores_industry_employees_velocity_idx`;--> statement-breakpoint
DROP INDEX `scores_role_personal_idx`;--> statement-breakpoint
DROP INDEX `scores_personal_idx`;--> statement-breakpoint
CREATE INDEX `scores_version_velocity_idx` ON `scores` (`instrument_version`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_version_industry_velocity_idx` ON `scores` (`instrument_version`,`industry`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_version_employees_velocity_idx` ON `scores` (`instrument_version`,`employees`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_version_industry_employees_velocity_idx` ON `scores` (`instrument_version`,`industry`,`employees`,`velocity`);--> statement-breakpoint
CREATE INDEX `scores_version_role_personal_idx` ON `scores` (`instrument_version`,`role`,`personal`);--> statement-breakpoint
CREATE INDEX `scores_version_personal_idx` ON `scores` (`instrument_version`,`personal`);