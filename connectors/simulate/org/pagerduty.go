package org

import (
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

var alerts = []string{"High error rate", "Latency SLO burn", "Disk usage above 90%", "Pod crash looping",
	"Queue backlog growing", "Certificate expires soon", "5xx spike", "Database connection pool exhausted",
	"Memory usage critical", "Health check failing", "Replication lag high", "Job failures above threshold"}

var notes = []string{"Rolled back the last deploy", "Scaled out the worker pool", "Upstream provider degraded",
	"Restarted the stuck consumer", "Opened a follow-up ticket", "Mitigated by failing over"}

// incident base parameters (before multipliers).
const (
	incidentsPerServiceDay = 0.14
	ackMedianHours         = 8.0 / 60
	resolveMedianHours     = 2.0
	escalateBase           = 0.22
	reassignP              = 0.10
	repeatP                = 0.08
)

// pagerduty generates the incidents of every service.
func (g *gen) pagerduty(r *rand.Rand) {
	o := g.o
	// Escalation policy levels from the team at Now.
	for _, pol := range o.Policies {
		t := pol.Team
		l1 := g.membersWith(t, o.Now, func(p *Person) bool { return hasPD(p) && o.LeadOf(t, o.Now) != p })
		if len(l1) > 3 {
			l1 = l1[:3]
		}
		pol.Levels = []EscalationLevel{{DelayMinutes: 30, Targets: l1}}
		if lead := o.LeadOf(t, o.Now); lead != nil && lead.PagerDuty != nil {
			pol.Levels = append(pol.Levels, EscalationLevel{DelayMinutes: 30, Targets: []*Person{lead}})
		}
	}
	var all []*Incident
	for _, t := range o.Teams {
		for si, s := range t.Services {
			times := poissonTimes(r, o.Start, o.End, incidentsPerServiceDay*g.p.Scale*g.p.IncidentScale, false)
			for _, t0 := range times {
				alert := alerts[r.IntN(len(alerts))]
				key := s.ID + "/" + strings.ToLower(strings.ReplaceAll(alert, " ", "-")) + "/" + short(r, "", 6)
				in := g.incident(r, t, si, s, t0, alert+" on "+s.Name, key, 0)
				if in == nil {
					continue
				}
				all = append(all, in)
				// A repeat of the same problem within a week of the resolution.
				if !in.ResolvedAt.IsZero() && r.Float64() < repeatP {
					t1 := in.ResolvedAt.Add(time.Duration(1+r.IntN(6*24)) * time.Hour)
					if t1.Before(o.End) {
						if rep := g.incident(r, t, si, s, t1, in.Title, in.IncidentKey, 0); rep != nil {
							all = append(all, rep)
						}
					}
				}
			}
		}
	}
	o.Incidents = all // numbered by numberIncidents, once deployments have added theirs
}

// numberIncidents sorts the incidents (those arriving on their own that the deployments left,
// and those the deployments caused) by trigger time and numbers them.
func (g *gen) numberIncidents() {
	all := append(g.o.Incidents, g.caused...)
	sort.SliceStable(all, func(a, b int) bool { return all[a].CreatedAt.Before(all[b].CreatedAt) })
	ids := &idGen{seed: g.p.Seed ^ 0x1c1d}
	for i, in := range all {
		in.Number = i + 1
		in.ID = ids.b36("Q")
		for k := range in.Log {
			in.Log[k].ID = ids.b36("R") + ids.b36("")[:12]
		}
	}
	g.o.Incidents = all
}

// incident builds one incident of service s (index si in team t) triggered at t0. resolveHours > 0
// fixes the time from trigger to resolution (an incident a deployment caused, resolved when its
// rollback finished); 0 draws it with the planted IncidentResolve effect.
func (g *gen) incident(r *rand.Rand, t *Team, si int, s *Service, t0 time.Time, title, key string, resolveHours float64) *Incident {
	o := g.o
	cands := g.membersWith(t, t0, hasPD)
	if len(cands) == 0 {
		return nil
	}
	week := int(t0.Sub(o.Start).Hours() / (24 * 7))
	oncall := cands[(week+si)%len(cands)]
	lead := o.LeadOf(t, t0)
	if lead == nil || lead.PagerDuty == nil || lead == oncall {
		lead = cands[(week+si+1)%len(cands)]
	}
	in := &Incident{Title: title, IncidentKey: key, Service: s, Teams: []*Team{t}, Urgency: "high", CreatedAt: t0}
	if r.Float64() < 0.3 {
		in.Urgency = "low"
	}
	if r.Float64() < 0.6 {
		in.Priority = o.Priorities[min(r.IntN(5), r.IntN(5))]
	}
	// Durations (hours), with the planted effects.
	ack := lognormal(r, ackMedianHours, 0.8) * g.mult(t, t0, g.eff.IncidentAck)
	resMedian := resolveMedianHours
	switch x := r.Float64(); { // long-running incidents: some are still open at any now
	case x < 0.04:
		resMedian = 72
	case x < 0.14 && in.Urgency == "low":
		resMedian = 20 * 24 // forgotten low-urgency incidents
	}
	res := lognormal(r, resMedian, 1.0) * g.mult(t, t0, g.eff.IncidentResolve)
	if resolveHours > 0 {
		res = resolveHours
	}
	pEsc := escalateBase * g.mult(t, t0, g.eff.IncidentEscalated)
	if res*3600 < ack*3600+60 {
		res = ack + 1.0/60
	}
	at := func(h float64) time.Time { return t0.Add(dur(h)) }
	log := make([]LogEntry, 0, 8)
	assign1 := []*Person{oncall}
	log = append(log, LogEntry{Type: LogTrigger, At: t0, Assignees: assign1, Level: 1, Channel: "api"})
	log = append(log, LogEntry{Type: LogNotify, At: t0.Add(time.Duration(5+r.IntN(25)) * time.Second), Assignees: assign1, Channel: "push"})
	acker := oncall
	if lead != oncall && r.Float64() < pEsc {
		te := at(ack * (0.3 + 0.5*r.Float64()))
		if !te.After(log[1].At) {
			te = log[1].At.Add(time.Second)
		}
		assign2 := []*Person{lead}
		log = append(log, LogEntry{Type: LogEscalate, At: te, Assignees: assign2, Level: 2, Channel: "timeout"})
		log = append(log, LogEntry{Type: LogNotify, At: te.Add(10 * time.Second), Assignees: assign2, Channel: "sms"})
		acker = lead
	}
	tAck := at(ack)
	if !tAck.After(log[len(log)-1].At) {
		tAck = log[len(log)-1].At.Add(time.Second)
	}
	log = append(log, LogEntry{Type: LogAcknowledge, At: tAck, Agent: acker, Channel: "mobile"})
	tRes := at(res)
	if r.Float64() < reassignP {
		others := g.membersWith(t, t0, func(p *Person) bool { return hasPD(p) && p != acker })
		if len(others) > 0 {
			other := others[r.IntN(len(others))]
			ta := tAck.Add(time.Duration(float64(tRes.Sub(tAck)) * (0.1 + 0.3*r.Float64()))).Truncate(time.Second)
			if ta.After(tAck) {
				log = append(log, LogEntry{Type: LogAssign, At: ta, Agent: acker, Assignees: []*Person{other}, Channel: "web_ui"})
				tb := ta.Add(time.Duration(float64(tRes.Sub(ta)) * 0.2 * r.Float64())).Truncate(time.Second)
				if !tb.After(ta) {
					tb = ta.Add(time.Second)
				}
				log = append(log, LogEntry{Type: LogAcknowledge, At: tb, Agent: other, Channel: "web_ui"})
				acker = other
			}
		}
	}
	if r.Float64() < 0.3 {
		last := log[len(log)-1].At
		tn := last.Add(time.Duration(float64(tRes.Sub(last)) * r.Float64())).Truncate(time.Second)
		if tn.After(last) {
			log = append(log, LogEntry{Type: LogAnnotate, At: tn, Agent: acker, Channel: "web_ui", Note: notes[r.IntN(len(notes))]})
		}
	}
	if !tRes.After(log[len(log)-1].At) {
		tRes = log[len(log)-1].At.Add(time.Second)
	}
	if r.Float64() < 0.8 {
		log = append(log, LogEntry{Type: LogResolve, At: tRes, Agent: acker, Channel: "web_ui"})
	} else {
		log = append(log, LogEntry{Type: LogResolve, At: tRes, Channel: "api"})
	}
	// Nothing happens after End.
	n := len(log)
	for n > 0 && !log[n-1].At.Before(o.End) {
		n--
	}
	in.Log = log[:n:n]
	if n > 0 && in.Log[n-1].Type == LogResolve {
		in.ResolvedAt = in.Log[n-1].At
	}
	return in
}
