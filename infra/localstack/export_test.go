package localstack

// PIDs returns the process ids of the stack's services (tests only).
func PIDs(s *Stack) []int {
	var out []int
	for _, p := range s.procs {
		out = append(out, p.cmd.Process.Pid)
	}
	return out
}
