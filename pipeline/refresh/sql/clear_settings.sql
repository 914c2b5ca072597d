-- Settings and the service map are rewritten from the config as a whole (see settings.go).
DELETE FROM settings;
DELETE FROM service_repos;
