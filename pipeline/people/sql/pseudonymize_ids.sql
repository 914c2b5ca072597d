-- Rewrites every reference to a person or an account through pseudonym_map (filled by
-- people.Pseudonymize): kind 'person' maps person ids, 'account' account ids, 'native' Jira
-- accountIds as they appear in changelog values, 'name' display names in changelog strings.

-- Person ids.
UPDATE team_memberships t SET membership_id = replace(t.membership_id, m.old, m.new), person_id = m.new
FROM pseudonym_map m WHERE m.kind = 'person' AND t.person_id = m.old;
UPDATE enrollments t SET enrollment_id = replace(t.enrollment_id, m.old, m.new), person_id = m.new
FROM pseudonym_map m WHERE m.kind = 'person' AND t.person_id = m.old;
UPDATE exposure t SET unit_id = m.new FROM pseudonym_map m WHERE m.kind = 'person' AND t.unit_type = 'person' AND t.unit_id = m.old;
UPDATE exposure t SET lead_person_id = m.new FROM pseudonym_map m WHERE m.kind = 'person' AND t.lead_person_id = m.old;
UPDATE metric_events t SET person_id = m.new FROM pseudonym_map m WHERE m.kind = 'person' AND t.person_id = m.old;
UPDATE assessments t SET assessment_id = replace(t.assessment_id, m.old, m.new), person_id = m.new
FROM pseudonym_map m WHERE m.kind = 'person' AND t.person_id = m.old;

-- Account ids.
UPDATE incidents t SET first_responder_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.first_responder_account_id = m.old;
UPDATE incidents t SET resolver_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.resolver_account_id = m.old;
UPDATE incidents t SET assignee_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.assignee_account_id = m.old;
UPDATE incident_events t SET agent_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.agent_account_id = m.old;
UPDATE incident_events t SET assignee_account_ids = s.ids
FROM (
    SELECT u.event_id, list(coalesce(m.new, u.id) ORDER BY u.i) AS ids
    FROM (SELECT event_id, unnest(assignee_account_ids) AS id, generate_subscripts(assignee_account_ids, 1) AS i
          FROM incident_events WHERE assignee_account_ids IS NOT NULL AND len(assignee_account_ids) > 0) u
    LEFT JOIN pseudonym_map m ON m.kind = 'account' AND m.old = u.id
    GROUP BY u.event_id
) s
WHERE t.event_id = s.event_id;
UPDATE tickets t SET assignee_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.assignee_account_id = m.old;
UPDATE tickets t SET reporter_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.reporter_account_id = m.old;
UPDATE ticket_changes t SET author_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.author_account_id = m.old;
UPDATE pull_requests t SET author_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.author_account_id = m.old;
UPDATE pr_commits t SET author_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.author_account_id = m.old;
UPDATE pr_reviews t SET reviewer_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.reviewer_account_id = m.old;
UPDATE deployments t SET creator_account_id = m.new FROM pseudonym_map m WHERE m.kind = 'account' AND t.creator_account_id = m.old;

-- Jira changelog: who was assigned (accountId and display name).
UPDATE ticket_changes t SET from_value = m.new FROM pseudonym_map m WHERE m.kind = 'native' AND t.field IN ('assignee', 'reporter') AND t.from_value = m.old;
UPDATE ticket_changes t SET to_value = m.new FROM pseudonym_map m WHERE m.kind = 'native' AND t.field IN ('assignee', 'reporter') AND t.to_value = m.old;
UPDATE ticket_changes t SET from_string = m.new FROM pseudonym_map m WHERE m.kind = 'name' AND t.field IN ('assignee', 'reporter') AND t.from_string = m.old;
UPDATE ticket_changes t SET to_string = m.new FROM pseudonym_map m WHERE m.kind = 'name' AND t.field IN ('assignee', 'reporter') AND t.to_string = m.old;
