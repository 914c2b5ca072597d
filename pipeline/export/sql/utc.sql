-- Times are cut into months in UTC whatever the session's time zone.
SET TimeZone = 'UTC'
