package eligibility

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Category is a MAPPA category, 1 to 4; 0 means none.
type Category int

// The categories (CJA 2003 ss.325 and 327 as amended by the PCSC Act 2022).
const (
	NoCategory Category = 0
	Category1  Category = 1 // registered sexual offenders
	Category2  Category = 2 // violent and other sexual offenders
	Category3  Category = 3 // other dangerous offenders
	Category4  Category = 4 // terrorist and terrorism-risk offenders
)

var categoryNames = map[Category]string{
	Category1: "registered sexual offenders",
	Category2: "violent and other sexual offenders",
	Category3: "other dangerous offenders",
	Category4: "terrorist and terrorism-risk offenders",
}

// Name is the category's name in the guidance ("registered sexual offenders").
func (c Category) Name() string { return categoryNames[c] }

// Valid reports whether c is 0 to 4.
func (c Category) Valid() bool { return c >= NoCategory && c <= Category4 }

// String gives "category 2" or "no category".
func (c Category) String() string {
	if c == NoCategory {
		return "no category"
	}
	return fmt.Sprintf("category %d", int(c))
}

// CategoryCode is a probation (nDelius) MAPPA category code: M1 to M4, or
// X9 for none. Category and level codes overlap ("M1" is both), so they are
// different types and travel in different fields.
type CategoryCode string

// The nDelius category codes.
const (
	CodeCategory1  CategoryCode = "M1"
	CodeCategory2  CategoryCode = "M2"
	CodeCategory3  CategoryCode = "M3"
	CodeCategory4  CategoryCode = "M4"
	CodeNoCategory CategoryCode = "X9"
)

// CategoryCodes lists every nDelius category code.
var CategoryCodes = []CategoryCode{CodeCategory1, CodeCategory2, CodeCategory3, CodeCategory4, CodeNoCategory}

// Code returns the nDelius code of c.
func (c Category) Code() CategoryCode {
	switch c {
	case Category1, Category2, Category3, Category4:
		return CategoryCode(fmt.Sprintf("M%d", int(c)))
	}
	return CodeNoCategory
}

// Category returns the category the code stands for.
func (c CategoryCode) Category() (Category, bool) {
	switch c {
	case CodeCategory1:
		return Category1, true
	case CodeCategory2:
		return Category2, true
	case CodeCategory3:
		return Category3, true
	case CodeCategory4:
		return Category4, true
	case CodeNoCategory:
		return NoCategory, true
	}
	return NoCategory, false
}

var errCategory = errors.New(`must be a category number 0-4 or an nDelius category code "M1"-"M4" or "X9"`)

// MarshalJSON writes the number.
func (c Category) MarshalJSON() ([]byte, error) {
	if !c.Valid() {
		return nil, errCategory
	}
	return json.Marshal(int(c))
}

// UnmarshalJSON accepts our number (0-4) or an nDelius code ("M2", "X9").
func (c *Category) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(b, []byte(`"`)) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return errCategory
		}
		v, ok := CategoryCode(s).Category()
		if !ok {
			return errCategory
		}
		*c = v
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil || !Category(n).Valid() {
		return errCategory
	}
	*c = Category(n)
	return nil
}

// UnmarshalJSON accepts only the five codes.
func (c *CategoryCode) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errCategory
	}
	if _, ok := CategoryCode(s).Category(); !ok {
		return errCategory
	}
	*c = CategoryCode(s)
	return nil
}

// Level is a MAPPA level of management, 1 to 3; 0 means not set.
type Level int

// The levels of management.
const (
	NoLevel Level = 0
	Level1  Level = 1 // ordinary agency management
	Level2  Level = 2 // active multi-agency management
	Level3  Level = 3 // active multi-agency management with senior representation
)

var levelNames = map[Level]string{
	Level1: "ordinary agency management",
	Level2: "active multi-agency management",
	Level3: "active multi-agency management with senior representation",
}

// Name is the level's name in the guidance.
func (l Level) Name() string { return levelNames[l] }

// Valid reports whether l is 0 to 3.
func (l Level) Valid() bool { return l >= NoLevel && l <= Level3 }

// String gives "level 2" or "no level".
func (l Level) String() string {
	if l == NoLevel {
		return "no level"
	}
	return fmt.Sprintf("level %d", int(l))
}

// LevelCode is a probation (nDelius) MAPPA level code: M0 (nominal, not
// set) or M1 to M3.
type LevelCode string

// The nDelius level codes.
const (
	CodeNoLevel LevelCode = "M0"
	CodeLevel1  LevelCode = "M1"
	CodeLevel2  LevelCode = "M2"
	CodeLevel3  LevelCode = "M3"
)

// LevelCodes lists every nDelius level code.
var LevelCodes = []LevelCode{CodeNoLevel, CodeLevel1, CodeLevel2, CodeLevel3}

// Code returns the nDelius code of l.
func (l Level) Code() LevelCode {
	switch l {
	case Level1, Level2, Level3:
		return LevelCode(fmt.Sprintf("M%d", int(l)))
	}
	return CodeNoLevel
}

// Level returns the level the code stands for.
func (c LevelCode) Level() (Level, bool) {
	switch c {
	case CodeNoLevel:
		return NoLevel, true
	case CodeLevel1:
		return Level1, true
	case CodeLevel2:
		return Level2, true
	case CodeLevel3:
		return Level3, true
	}
	return NoLevel, false
}

var errLevel = errors.New(`must be a level number 0-3 or an nDelius level code "M0"-"M3"`)

// MarshalJSON writes the number.
func (l Level) MarshalJSON() ([]byte, error) {
	if !l.Valid() {
		return nil, errLevel
	}
	return json.Marshal(int(l))
}

// UnmarshalJSON accepts our number (0-3) or an nDelius code ("M2").
func (l *Level) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(b, []byte(`"`)) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return errLevel
		}
		v, ok := LevelCode(s).Level()
		if !ok {
			return errLevel
		}
		*l = v
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil || !Level(n).Valid() {
		return errLevel
	}
	*l = Level(n)
	return nil
}

// UnmarshalJSON accepts only the four codes.
func (c *LevelCode) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errLevel
	}
	if _, ok := LevelCode(s).Level(); !ok {
		return errLevel
	}
	*c = LevelCode(s)
	return nil
}
