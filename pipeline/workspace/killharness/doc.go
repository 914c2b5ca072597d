// Package killharness holds no code: its test is the kill harness. It runs the writing commands
// (sync, import, analyze — each ending with a publish) against the simulated organisation in child
// processes, kills them with SIGKILL at seeded random moments, checks that every next run succeeds,
// and compares the final tables with an uninterrupted run's: nothing lost, nothing doubled.
//
//	go test ./pipeline/workspace/killharness   # 2 SIGKILLs, then 1 under faults, on the last month
//	TRAINIMPACT_KILLS=50 TRAINIMPACT_KILL_MONTHS=4 go test ./pipeline/workspace/killharness -v -timeout 75m
//	TRAINIMPACT_KILLS=50 TRAINIMPACT_KILL_SEED=7 go test ./pipeline/workspace/killharness -v -timeout 4h  # whole history
//
// The same runs again with every simulator fault switched on at high rates (simulate.AllFaults:
// about one request in three is a 429, a 5xx, a dropped connection, a rate limit or a slow page).
package killharness
