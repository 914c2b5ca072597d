SELECT source, lower(trim(account)), person_id FROM identity_overrides
