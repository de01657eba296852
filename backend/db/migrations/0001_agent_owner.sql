ALTER TABLE "agents" ADD COLUMN "owner_user_id" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "owner_username" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "shared" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;