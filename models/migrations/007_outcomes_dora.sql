-- 007: people outcomes, assessments and surveys, and the DORA linkage.
--
-- assessments and survey_responses hold what no API holds, imported from CSV with
-- `trainimpact import assessments|surveys` (all or nothing, like the people files). settings and
-- service_repos carry the configuration the metric files need (analysis.min_cell, the change
-- failure window, sources.github.service_map); every writing command rewrites them from the config.

CREATE TABLE assessments (
    assessment_id VARCHAR PRIMARY KEY,
    person_id     VARCHAR NOT NULL,
    instrument    VARCHAR NOT NULL,
    taken_at      DATE    NOT NULL,
    score         DOUBLE  NOT NULL,
    max_score     DOUBLE  NOT NULL,
    source_file   VARCHAR NOT NULL,
    line          INTEGER NOT NULL
);
COMMENT ON TABLE assessments IS 'Assessment scores of people (knowledge quiz, confidence self-rating, 360, manager observation), imported from assessments.csv. Never shown per person: metrics and the paired pre/post test only report groups of at least analysis.min_cell people.';
COMMENT ON COLUMN assessments.assessment_id IS 'Deterministic id: ''files:assessment:<person_id>|<instrument>|<taken_at>''.';
COMMENT ON COLUMN assessments.person_id IS 'The person assessed (people.person_id).';
COMMENT ON COLUMN assessments.instrument IS 'Instrument as written in the file, lower-cased (e.g. knowledge quiz, confidence, 360, manager observation).';
COMMENT ON COLUMN assessments.taken_at IS 'Day the assessment was taken.';
COMMENT ON COLUMN assessments.score IS 'Score obtained, 0 <= score <= max_score.';
COMMENT ON COLUMN assessments.max_score IS 'Highest possible score of the instrument (> 0); metrics use score / max_score.';
COMMENT ON COLUMN assessments.source_file IS 'File the row was imported from.';
COMMENT ON COLUMN assessments.line IS 'Line of that file.';

CREATE TABLE survey_responses (
    response_id    VARCHAR PRIMARY KEY,
    team_id        VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    survey         VARCHAR NOT NULL,
    taken_at       DATE    NOT NULL,
    respondent_key VARCHAR NOT NULL,
    question       VARCHAR NOT NULL,
    score          DOUBLE  NOT NULL,
    scale          DOUBLE  NOT NULL,
    source_file    VARCHAR NOT NULL,
    line           INTEGER NOT NULL
);
COMMENT ON TABLE survey_responses IS 'Answers of engagement and stakeholder satisfaction pulses, one row per respondent and question, imported from surveys.csv. Respondents are opaque keys, never people; metrics drop every team x survey cell with fewer than analysis.min_cell respondents.';
COMMENT ON COLUMN survey_responses.response_id IS 'Deterministic id: ''files:survey_response:<survey>|<respondent_key>|<question>''.';
COMMENT ON COLUMN survey_responses.team_id IS 'Team the answer is about (teams.team_id): the respondent''s own team for engagement, the IT team rated for stakeholder satisfaction.';
COMMENT ON COLUMN survey_responses.kind IS 'engagement or stakeholder_satisfaction.';
COMMENT ON COLUMN survey_responses.survey IS 'Survey (pulse wave) name as written in the file.';
COMMENT ON COLUMN survey_responses.taken_at IS 'Day the answer was given.';
COMMENT ON COLUMN survey_responses.respondent_key IS 'First 16 hex digits of SHA-256(survey|respondent) of the opaque respondent id in the file (never an email; the raw id is not stored).';
COMMENT ON COLUMN survey_responses.question IS 'Question as written in the file.';
COMMENT ON COLUMN survey_responses.score IS 'Answer on the question''s scale, 0 <= score <= scale.';
COMMENT ON COLUMN survey_responses.scale IS 'Top of the scale (e.g. 5 for 1-5, 10 for 0-10); metrics use score / scale.';
COMMENT ON COLUMN survey_responses.source_file IS 'File the row was imported from.';
COMMENT ON COLUMN survey_responses.line IS 'Line of that file.';

CREATE TABLE settings (
    key        VARCHAR PRIMARY KEY,
    value      DOUBLE  NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE settings IS 'Numeric configuration the metric files read through the setting(key, default) macro, rewritten from trainimpact.yaml by every writing command: analysis.min_cell, dora.failure_window_hours.';
COMMENT ON COLUMN settings.key IS 'Config key, e.g. analysis.min_cell.';
COMMENT ON COLUMN settings.value IS 'Its value.';
COMMENT ON COLUMN settings.updated_at IS 'When the row was last written.';

CREATE TABLE service_repos (
    service VARCHAR NOT NULL,
    repo    VARCHAR NOT NULL,
    PRIMARY KEY (service, repo)
);
COMMENT ON TABLE service_repos IS 'Incident service to repository map from sources.github.service_map (rewritten by every writing command); services it does not name are linked by name (view v_service_repos).';
COMMENT ON COLUMN service_repos.service IS 'PagerDuty service name or id as written in the config (matched case-insensitively).';
COMMENT ON COLUMN service_repos.repo IS 'Repository as owner/name.';

COMMENT ON COLUMN imports.kind IS 'teams, cohorts, identities, assessments or surveys.';
