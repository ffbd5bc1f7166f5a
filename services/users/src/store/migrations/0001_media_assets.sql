-- The media the media service announced ready, failed or deleted: which ids the service accepts (ADR 0041).
CREATE TABLE "users"."media_assets" (
	"media_id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
