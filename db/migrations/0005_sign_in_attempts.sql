-- The failure counts keyed "email:…" / "ip:…" give way to attempts by account and address; recent
-- failures are not carried over (at worst, fifteen minutes of limits start afresh).
DROP TABLE `sign_in_failures`;--> statement-breakpoint
CREATE TABLE `sign_in_attempts` (
	`id` integer PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`address` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sign_in_attempts_account_address_at_idx` ON `sign_in_attempts` (`account`,`address`,`at`);--> statement-breakpoint
CREATE INDEX `sign_in_attempts_address_at_idx` ON `sign_in_attempts` (`address`,`at`);--> statement-breakpoint
CREATE INDEX `sign_in_attempts_at_idx` ON `sign_in_attempts` (`at`);