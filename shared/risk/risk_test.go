package risk

import (
	"encoding/json"
	"testing"
)

func TestLevelJSONIsStrict(t *testing.T) {
	cases := []struct {
		in   string
		want Level
		ok   bool
	}{
		{`"low"`, Low, true},
		{`"medium"`, Medium, true},
		{`"high"`, High, true},
		{`"very-high"`, VeryHigh, true},
		{`null`, "", true},
		{`"very high"`, "", false},
		{`"HIGH"`, "", false},
		{`""`, "", false},
		{`3`, "", false},
	}
	for _, c := range cases {
		var l Level
		err := json.Unmarshal([]byte(c.in), &l)
		if (err == nil) != c.ok || l != c.want {
			t.Errorf("%s: got %q, %v; want %q ok=%v", c.in, l, err, c.want, c.ok)
		}
		if err != nil && err.Error() != ErrLevel.Error() {
			t.Errorf("%s: error %q does not list the accepted values", c.in, err)
		}
	}
}

func TestLevelRoundTripAndMeaning(t *testing.T) {
	for i, l := range Levels {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var back Level
		if err := json.Unmarshal(b, &back); err != nil || back != l {
			t.Errorf("%s did not round-trip: %s %v", l, b, err)
		}
		if l.Meaning() == "" || l.Label() == "" {
			t.Errorf("%s has no meaning or label", l)
		}
		if l.Rank() != i+1 {
			t.Errorf("%s rank %d", l, l.Rank())
		}
	}
	if b, _ := json.Marshal(Level("")); string(b) != "null" {
		t.Errorf("zero level marshals as %s", b)
	}
	if _, err := json.Marshal(Level("extreme")); err == nil {
		t.Error("an invalid level marshalled")
	}
	if !High.AtLeastHigh() || !VeryHigh.AtLeastHigh() || Medium.AtLeastHigh() || Level("").AtLeastHigh() {
		t.Error("AtLeastHigh is wrong")
	}
}

func TestTrafficLight(t *testing.T) {
	for _, tl := range TrafficLights {
		var back TrafficLight
		b, _ := json.Marshal(tl)
		if err := json.Unmarshal(b, &back); err != nil || back != tl || tl.Meaning() == "" {
			t.Errorf("%s: %v", tl, err)
		}
	}
	var tl TrafficLight
	if err := json.Unmarshal([]byte(`"green"`), &tl); err == nil || err.Error() != "must be upper case: GREEN, AMBER or RED" {
		t.Errorf("lower case: %v", err)
	}
	if err := json.Unmarshal([]byte(`"BLUE"`), &tl); err != ErrTrafficLight {
		t.Errorf("unknown colour: %v", err)
	}
	if err := json.Unmarshal([]byte(`null`), &tl); err != nil || tl != "" {
		t.Errorf("null: %v", err)
	}
}

func TestGroup(t *testing.T) {
	var g Group
	if err := json.Unmarshal([]byte(`"known-adult"`), &g); err != nil || g != KnownAdult {
		t.Errorf("known-adult: %v", err)
	}
	if err := json.Unmarshal([]byte(`"family"`), &g); err != ErrGroup {
		t.Errorf("unknown group: %v", err)
	}
}
