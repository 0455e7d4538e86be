// Versioned schema migrations, applied in order at start inside one transaction each.
import type { Queryable } from './index';
import { referenceMigration } from '../metrics/reference-data';

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

/**
 * Each extract kind has a history table `h_<kind>` (every row of every loaded upload, tagged with
 * the upload's seq and the file line) and a current table `<kind>` (the dataset derived from the
 * active history, see extracts.md "Upload modes"). Both hold the contract's columns typed:
 * ref/text/enum VARCHAR, date DATE, timestamp TIMESTAMPTZ, flag BOOLEAN, integer INTEGER,
 * decimal DOUBLE. History has no index: rows arrive in upload_seq order, so DuckDB's per-row-group
 * min/max already skips other uploads, and an ART index would slow a 1M-row load by seconds.
 */
const kindTables: Record<string, string> = {
	crimes: `crime_ref VARCHAR NOT NULL, recorded_date DATE NOT NULL, offence_code VARCHAR NOT NULL,
		area VARCHAR NOT NULL, domestic_abuse BOOLEAN NOT NULL, relationship VARCHAR, victim_sex VARCHAR,
		victim_age_band VARCHAR, incident_ref VARCHAR`,
	arrests: `arrest_ref VARCHAR NOT NULL, crime_ref VARCHAR NOT NULL, arrest_date DATE NOT NULL`,
	outcomes: `crime_ref VARCHAR NOT NULL, outcome_type VARCHAR NOT NULL, outcome_date DATE NOT NULL`,
	incidents: `incident_ref VARCHAR NOT NULL, opened_at TIMESTAMPTZ NOT NULL, area VARCHAR NOT NULL,
		domestic_abuse BOOLEAN NOT NULL, stalking_identified BOOLEAN NOT NULL, handler_ref VARCHAR`,
	workforce: `staff_ref VARCHAR NOT NULL, role VARCHAR NOT NULL, area VARCHAR, start_date DATE NOT NULL,
		end_date DATE`,
	training: `staff_ref VARCHAR NOT NULL, course VARCHAR NOT NULL, completed_date DATE NOT NULL`,
	population: `area VARCHAR NOT NULL, year INTEGER NOT NULL, population_16plus INTEGER NOT NULL`,
	prevalence: `year INTEGER NOT NULL, rate_pct DOUBLE NOT NULL, lower_pct DOUBLE, upper_pct DOUBLE,
		source VARCHAR`
};

const datasetDdl = Object.entries(kindTables)
	.map(
		([kind, cols]) => `
CREATE TABLE h_${kind} (upload_seq INTEGER NOT NULL, line INTEGER NOT NULL, ${cols});
CREATE TABLE ${kind} (upload_seq INTEGER NOT NULL, ${cols});`
	)
	.join('\n');

/**
 * Migration 8's safeguarding kinds, in the same shape (history with upload_seq and line, current
 * with upload_seq), written out as they were at version 8 like migration 1's.
 */
const V8_KIND_TABLES: Record<string, string> = {
	risk_assessments: `assessment_ref VARCHAR NOT NULL, crime_ref VARCHAR, incident_ref VARCHAR,
		tool VARCHAR NOT NULL, completed_at TIMESTAMPTZ NOT NULL, risk_level VARCHAR NOT NULL,
		marac_referral BOOLEAN, advocacy_referral BOOLEAN`,
	protective_orders: `order_ref VARCHAR NOT NULL, order_type VARCHAR NOT NULL, crime_ref VARCHAR,
		area VARCHAR NOT NULL, applied_date DATE NOT NULL, status VARCHAR NOT NULL, decision_date DATE,
		expires_date DATE, breach_count INTEGER`
};

/** Migration 3's latest date of an upload's rows per kind (over its history table `h`). */
const V3_LATEST_DATE: Record<string, string> = {
	crimes: 'max(h.recorded_date)',
	arrests: 'max(h.arrest_date)',
	outcomes: 'max(h.outcome_date)',
	incidents: "max(timezone('Europe/London', h.opened_at))::DATE",
	workforce: 'greatest(max(h.start_date), max(h.end_date))',
	training: 'max(h.completed_date)'
};

export const migrations: Migration[] = [
	{
		version: 1,
		name: 'uploads, datasets, accounts, audit',
		sql: `
CREATE SEQUENCE upload_seq START 1;
CREATE TABLE uploads (
	id VARCHAR PRIMARY KEY,
	seq INTEGER NOT NULL UNIQUE,
	kind VARCHAR NOT NULL,
	mode VARCHAR NOT NULL,
	active BOOLEAN NOT NULL DEFAULT true,
	sha256 VARCHAR NOT NULL,
	file_name VARCHAR,
	archive_path VARCHAR,
	bytes BIGINT NOT NULL,
	rows INTEGER NOT NULL,
	inserted INTEGER NOT NULL,
	replaced INTEGER NOT NULL,
	uploaded_by VARCHAR NOT NULL,
	uploaded_at TIMESTAMPTZ NOT NULL,
	report JSON NOT NULL,
	changed_at TIMESTAMPTZ,
	changed_by VARCHAR
);
${datasetDdl}

CREATE TABLE users (
	name VARCHAR PRIMARY KEY,
	password_hash VARCHAR NOT NULL,
	roles VARCHAR[] NOT NULL,
	disabled BOOLEAN NOT NULL DEFAULT false,
	must_change_password BOOLEAN NOT NULL DEFAULT false,
	created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
	updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
CREATE TABLE sessions (
	id_hash VARCHAR PRIMARY KEY,
	user_name VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	last_seen_at TIMESTAMPTZ NOT NULL,
	address VARCHAR
);
CREATE TABLE api_tokens (
	id VARCHAR PRIMARY KEY,
	token_hash VARCHAR NOT NULL UNIQUE,
	user_name VARCHAR NOT NULL,
	label VARCHAR,
	created_at TIMESTAMPTZ NOT NULL,
	created_by VARCHAR NOT NULL,
	last_used_at TIMESTAMPTZ,
	revoked_at TIMESTAMPTZ,
	revoked_by VARCHAR
);
-- Recent failed sign-ins, for throttling only (the audit log keeps the permanent record).
CREATE TABLE login_failures (
	failed_at TIMESTAMPTZ NOT NULL,
	user_name VARCHAR,
	address VARCHAR
);
CREATE SEQUENCE audit_seq START 1;
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY DEFAULT nextval('audit_seq'),
	occurred_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
	actor VARCHAR,
	action VARCHAR NOT NULL,
	target VARCHAR,
	address VARCHAR,
	details JSON
);
CREATE TABLE settings (
	key VARCHAR PRIMARY KEY,
	value JSON NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
	updated_by VARCHAR
);
`
	},
	referenceMigration,
	{
		version: 3,
		name: 'uploads as-at date',
		// Uploads made before this version get the default an upload now gets (api.md): the day after
		// the latest date in the upload's rows, never after the upload day. The date columns are
		// written out as they were at version 3, so a later contract change cannot alter this step.
		sql: `
ALTER TABLE uploads ADD COLUMN as_of DATE;
UPDATE uploads SET as_of = timezone('Europe/London', uploaded_at)::DATE;
${Object.entries(V3_LATEST_DATE)
	.map(
		([kind, latest]) => `UPDATE uploads SET as_of = least(as_of, coalesce(
	(SELECT ${latest} + 1 FROM h_${kind} h WHERE h.upload_seq = uploads.seq), as_of))
 WHERE kind = '${kind}';`
	)
	.join('\n')}
`
	},
	{
		version: 4,
		name: 'API token expiry',
		// Tokens made before this version expire as a new one does: 90 days after creation (so a
		// token older than that stops working at the upgrade; its owner asks an admin for another).
		sql: `
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = created_at + INTERVAL 90 DAY;
`
	},
	{
		version: 5,
		name: 'archive retention',
		// The archive may hold only the contract's columns of a file (extracts.md "File rules"), so it
		// has a checksum of its own; until now every archive was the file itself. A purged archive's
		// bytes are gone and the upload says when, by whom and why (extracts.md "Retention").
		sql: `
ALTER TABLE uploads ADD COLUMN archive_sha256 VARCHAR;
ALTER TABLE uploads ADD COLUMN file_purged_at TIMESTAMPTZ;
ALTER TABLE uploads ADD COLUMN file_purged_by VARCHAR;
ALTER TABLE uploads ADD COLUMN file_purge_reason VARCHAR;
-- After every ALTER: DuckDB cannot commit an ALTER of a table this transaction has updated rows of.
UPDATE uploads SET archive_sha256 = sha256;
`
	},
	{
		version: 6,
		name: 'population source columns',
		// The reference population file keeps its ONS area code and its source (shared/spec README:
		// "keep the source column"); as ignored extra columns its citations read as free text.
		sql: `
ALTER TABLE population ADD COLUMN ons_code VARCHAR;
ALTER TABLE population ADD COLUMN source VARCHAR;
ALTER TABLE h_population ADD COLUMN ons_code VARCHAR;
ALTER TABLE h_population ADD COLUMN source VARCHAR;
`
	},
	{
		version: 7,
		name: 'published summaries',
		// A published version is inserted once and never updated (its body is the public JSON as
		// served, kept as text so its bytes never change); withdrawal is a row of its own. A draft
		// holds a composed summary between preview and publish, so what is published is what was
		// previewed. exact/suppressed keep the figures before disclosure control, never served:
		// the next version's secondary suppression needs them (metrics.md).
		sql: `
CREATE TABLE summaries (
	slug VARCHAR NOT NULL,
	version INTEGER NOT NULL,
	title VARCHAR NOT NULL,
	published_at TIMESTAMPTZ NOT NULL,
	published_by VARCHAR NOT NULL,
	period_from VARCHAR NOT NULL,
	period_to VARCHAR NOT NULL,
	data_as_of DATE,
	request VARCHAR NOT NULL,
	body VARCHAR NOT NULL,
	exact VARCHAR NOT NULL,
	suppressed VARCHAR NOT NULL,
	revision_note VARCHAR,
	PRIMARY KEY (slug, version)
);
CREATE TABLE summary_withdrawals (
	slug VARCHAR PRIMARY KEY,
	withdrawn_at TIMESTAMPTZ NOT NULL,
	withdrawn_by VARCHAR NOT NULL,
	reason VARCHAR NOT NULL
);
CREATE TABLE summary_drafts (
	id VARCHAR PRIMARY KEY,
	created_at TIMESTAMPTZ NOT NULL,
	created_by VARCHAR NOT NULL,
	revises VARCHAR,
	revision_note VARCHAR,
	data_version VARCHAR NOT NULL,
	request VARCHAR NOT NULL,
	body VARCHAR NOT NULL,
	exact VARCHAR NOT NULL,
	suppressed VARCHAR NOT NULL
);
`
	},
	{
		version: 8,
		name: 'safeguarding extracts',
		// Risk assessments and protective orders (extracts.md), and the code a crime had when first
		// recorded. Old crimes keep NULL there: unknown, as for an export that does not carry it.
		// Only CREATE and ALTER here: DuckDB cannot commit an ALTER of a table this transaction
		// has updated rows of, so any UPDATE added later goes after them.
		sql: `
ALTER TABLE crimes ADD COLUMN first_offence_code VARCHAR;
ALTER TABLE h_crimes ADD COLUMN first_offence_code VARCHAR;
${Object.entries(V8_KIND_TABLES)
	.map(
		([
			kind,
			cols
		]) => `CREATE TABLE h_${kind} (upload_seq INTEGER NOT NULL, line INTEGER NOT NULL, ${cols});
CREATE TABLE ${kind} (upload_seq INTEGER NOT NULL, ${cols});`
	)
	.join('\n')}
`
	},
	{
		version: 9,
		name: 'backups',
		// Each backup taken (src/lib/server/backup.ts), for the Admin page: when the snapshot was
		// taken, by whom and how ('direct' on the database file, 'server' streamed to the command),
		// its size and tables, and whether the folder checked out against its manifest (NULL until
		// the command that received a streamed backup says).
		sql: `
CREATE TABLE backups (
	id VARCHAR PRIMARY KEY,
	created_at TIMESTAMPTZ NOT NULL,
	created_by VARCHAR NOT NULL,
	method VARCHAR NOT NULL,
	folder VARCHAR,
	bytes BIGINT NOT NULL,
	tables INTEGER NOT NULL,
	rows BIGINT NOT NULL,
	files INTEGER NOT NULL,
	schema_version INTEGER NOT NULL,
	manifest_sha256 VARCHAR NOT NULL,
	seconds DOUBLE,
	verified BOOLEAN,
	verified_at TIMESTAMPTZ,
	problem VARCHAR
);
`
	},
	{
		version: 10,
		name: 'column mappings',
		// Saved column mappings for records systems' exports (extracts.md "Column mappings"). A
		// mapping is never updated: saving under a name again adds the next version, so an upload's
		// report can always name the exact mapping it was read with. The JSON columns hold the
		// source header, source column -> contract column (or null), and the enum/flag value maps.
		sql: `
CREATE TABLE mappings (
	name VARCHAR NOT NULL,
	version INTEGER NOT NULL,
	kind VARCHAR NOT NULL,
	source_header JSON NOT NULL,
	column_map JSON NOT NULL,
	value_map JSON NOT NULL,
	created_by VARCHAR NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (name, version)
);
`
	},
	{
		version: 11,
		name: 'refused reports',
		// A refused upload's validation report, kept whole so it can be paged, filtered by rule and
		// downloaded later (extracts.md "When an upload is refused"); the audit row names its ref.
		// Not an upload: no dataset, history row or archive comes of it. Values of personal-data
		// problems are masked before they get here (pii.ts maskValue), as in every answer.
		sql: `
CREATE SEQUENCE refused_seq START 1;
CREATE TABLE refused_reports (
	ref VARCHAR PRIMARY KEY,
	seq INTEGER NOT NULL,
	kind VARCHAR,
	file_name VARCHAR,
	bytes BIGINT NOT NULL,
	sha256 VARCHAR NOT NULL,
	refused_by VARCHAR NOT NULL,
	refused_at TIMESTAMPTZ NOT NULL,
	code VARCHAR NOT NULL,
	status INTEGER NOT NULL,
	message VARCHAR NOT NULL,
	rows INTEGER NOT NULL,
	error_count INTEGER NOT NULL,
	problem_count INTEGER NOT NULL,
	capped BOOLEAN NOT NULL,
	summary JSON NOT NULL,
	warnings JSON NOT NULL,
	mapping JSON
);
CREATE TABLE refused_problems (
	report_seq INTEGER NOT NULL,
	n INTEGER NOT NULL,
	line INTEGER NOT NULL,
	col VARCHAR NOT NULL,
	value VARCHAR NOT NULL,
	reason VARCHAR NOT NULL,
	personal BOOLEAN NOT NULL,
	rule INTEGER
);
`
	},
	{
		version: 12,
		name: 'derived columns',
		// Worked out once as rows enter a current table (metrics/derived.ts), not in every query: an
		// incident's and an assessment's day on the Europe/London clock, an outcome's number. Written
		// out as they are at version 12; rows already held get theirs here.
		sql: `
ALTER TABLE incidents ADD COLUMN opened_local_date DATE;
UPDATE incidents SET opened_local_date = CAST(timezone('Europe/London', opened_at) AS DATE);
ALTER TABLE risk_assessments ADD COLUMN completed_local_date DATE;
UPDATE risk_assessments SET completed_local_date = CAST(timezone('Europe/London', completed_at) AS DATE);
ALTER TABLE outcomes ADD COLUMN outcome_num INTEGER;
UPDATE outcomes SET outcome_num = TRY_CAST(regexp_extract(outcome_type, '^\\s*(\\d+)', 1) AS INTEGER);
`
	},
	{
		version: 13,
		name: 'crime facts',
		// One row per crime with its current outcome, whether arrested and its first-contact
		// incident (metrics/facts.ts), made again in every transaction that changes those kinds.
		// Written out as it is at version 13; the rows already held get theirs here.
		sql: `
CREATE TABLE crime_facts AS
	SELECT c.crime_ref, c.recorded_date, c.offence_code, c.first_offence_code, c.area,
		c.domestic_abuse, c.incident_ref, o.outcome_date, o.outcome_num,
		c.crime_ref IN (SELECT crime_ref FROM arrests) AS arrested,
		i.incident_ref IS NOT NULL AS incident_linked,
		i.stalking_identified AS incident_identified
	FROM crimes c
		LEFT JOIN outcomes o ON o.crime_ref = c.crime_ref
		LEFT JOIN incidents i ON i.incident_ref = c.incident_ref;
`
	},
	{
		version: 14,
		name: 'crime facts: risk assessments',
		// Each crime's facts also carry the first days of the risk assessments naming it or its
		// incident (metrics/facts.ts), so safeguarding reads no assessment at view. Written out as
		// it is at version 14; the rows already held get theirs here.
		sql: `
CREATE OR REPLACE TABLE crime_facts AS
	WITH assessed AS (
		SELECT crime_ref, min(day) AS assessment_day,
			min(day) FILTER (WHERE risk_level = 'high') AS high_risk_day,
			min(day) FILTER (WHERE risk_level = 'medium') AS medium_risk_day,
			min(day) FILTER (WHERE risk_level = 'standard') AS standard_risk_day,
			min(day) FILTER (WHERE marac_referral) AS marac_day,
			bool_or(coalesce(advocacy_referral, false)) AS advocacy_referred
		FROM (
			SELECT c.crime_ref, r.risk_level, r.marac_referral, r.advocacy_referral,
				r.completed_local_date AS day
			FROM crimes c JOIN risk_assessments r ON r.crime_ref = c.crime_ref
			UNION ALL
			SELECT c.crime_ref, r.risk_level, r.marac_referral, r.advocacy_referral,
				r.completed_local_date AS day
			FROM crimes c JOIN risk_assessments r ON r.incident_ref = c.incident_ref)
		GROUP BY crime_ref
	)
	SELECT c.crime_ref, c.recorded_date, c.offence_code, c.first_offence_code, c.area,
		c.domestic_abuse, c.incident_ref, o.outcome_date, o.outcome_num,
		c.crime_ref IN (SELECT crime_ref FROM arrests) AS arrested,
		i.incident_ref IS NOT NULL AS incident_linked,
		i.stalking_identified AS incident_identified,
		a.assessment_day, a.high_risk_day, a.medium_risk_day, a.standard_risk_day, a.marac_day,
		a.advocacy_referred
	FROM crimes c
		LEFT JOIN outcomes o ON o.crime_ref = c.crime_ref
		LEFT JOIN incidents i ON i.incident_ref = c.incident_ref
		LEFT JOIN assessed a ON a.crime_ref = c.crime_ref;
`
	}
];

/** The schema version this code brings a database to. */
export const SCHEMA_VERSION = Math.max(...migrations.map((m) => m.version));

/** A database made by a newer version of the dashboard than this code: refused, never altered. */
export class NewerDatabaseError extends Error {
	constructor(
		readonly found: number,
		readonly known: number
	) {
		super(
			`This database was made by a newer version of the dashboard (schema version ${found}; this code knows up to ${known}). ` +
				`It was not changed. Run the newer version of the dashboard, or restore a backup made by this one.`
		);
		this.name = 'NewerDatabaseError';
	}
}

/** Bring the schema up to date; each migration commits on its own. */
export async function migrate(conn: Queryable, list: Migration[] = migrations): Promise<number> {
	// Read before anything is written: a newer database must be left exactly as it is.
	const [exists] = await conn.all<{ n: number }>(
		`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'schema_migrations'`
	);
	if (exists && exists.n > 0) {
		const [newest] = await conn.all<{ v: number | null }>(
			'SELECT max(version) AS v FROM schema_migrations'
		);
		const known = Math.max(...list.map((m) => m.version));
		if (newest?.v != null && newest.v > known) throw new NewerDatabaseError(newest.v, known);
	}
	await conn.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)`);
	const done = new Set(
		(await conn.all<{ version: number }>('SELECT version FROM schema_migrations')).map(
			(r) => r.version
		)
	);
	let applied = 0;
	for (const m of [...list].sort((a, b) => a.version - b.version)) {
		if (done.has(m.version)) continue;
		await conn.run('BEGIN TRANSACTION');
		try {
			await conn.run(m.sql);
			await conn.run('INSERT INTO schema_migrations (version, name) VALUES ($version, $name)', {
				version: m.version,
				name: m.name
			});
			await conn.run('COMMIT');
			applied++;
		} catch (err) {
			await conn.run('ROLLBACK').catch(() => undefined);
			throw new Error(
				`schema migration ${m.version} (${m.name}) failed: ${(err as Error).message}`,
				{ cause: err }
			);
		}
	}
	return applied;
}
