SELECT cohort_id, name FROM cohorts
