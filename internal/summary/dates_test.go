package summary

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFindDates(t *testing.T) {
	story := date{2022, 9, 7} // a Wednesday
	type want struct{ text, date string }
	tests := []struct {
		name string
		s    string
		ref  date
		want []want
	}{
		{"day month year", "in June 1981 organized the 20 June 1981 Iranian protests", story, []want{{"June 1981", "1981-06"}, {"20 June 1981", "1981-06-20"}}},
		{"month day in a dated article", "behind the July 15 cyberattack.", story, []want{{"July 15", "2022-07-15"}}},
		{"day month in a dated article", "on 15 July the systems failed", story, []want{{"15 July", "2022-07-15"}}},
		{"on weekday", "to sever its relations with Teheran on Wednesday after years", story, []want{{"on Wednesday", "2022-09-07"}}},
		{"bare weekday earlier in week", "The talks ended Monday.", story, []want{{"Monday", "2022-09-05"}}},
		{"last weekday", "It began last Wednesday.", story, []want{{"last Wednesday", "2022-08-31"}}},
		{"next weekday", "It resumes next Friday.", story, []want{{"next Friday", "2022-09-09"}}},
		{"yesterday", "Officials said yesterday that", story, []want{{"yesterday", "2022-09-06"}}},
		{"bare years", "the revolution in 1978, by 1981, the MEK", story, []want{{"1978", "1978"}, {"1981", "1981"}}},
		{"year with when", "ever since 2014 when Albania welcomed some 3,000 members", story, []want{{"2014", "2014"}}},
		{"month only", "Iran’s July cyberattack on Albania", story, []want{{"July", "2022-07"}}},
		{"in month", "It happened in March.", story, []want{{"March", "2022-03"}}},
		{"late month after the article is last year", "The deal was signed on 20 December.", story, []want{{"20 December", "2021-12-20"}}},
		{"month day year US", "On July 4, 1776, the declaration", date{}, []want{{"July 4, 1776", "1776-07-04"}}},
		{"iso", "published 2022-09-07 in Tirana", date{}, []want{{"2022-09-07", "2022-09-07"}}},
		{"sentence year wins over the document's", "In 1981 the MEK marched; on 20 June the guards fired.", story, []want{{"1981", "1981"}, {"20 June", "1981-06-20"}}},
		{"abbreviated month", "Signed Sept. 3, 2019 in Rome", date{}, []want{{"Sept. 3, 2019", "2019-09-03"}}},
		{"ordinal", "the 3rd of March 2020 meeting", date{}, []want{{"3rd of March 2020", "2020-03-03"}}},
		{"unresolved month day", "The attack came on July 15.", date{}, []want{{"July 15", ""}}},
		{"unresolved weekday", "They met on Friday.", date{}, []want{{"on Friday", ""}}},
		{"counts are not years", "50 deaths, 200 injured, and 1000 arrested; 1500 troops; $2000; 2014% and 3,2014", story, nil},
		{"decades are not years", "in the 1990s", story, nil},
		{"names are not years", "It was believed that 2019-nCoV spread; the 2019-20 season", date{}, []want{{"2019", "2019"}}},
		{"may the verb", "They may act. It may be March", story, nil},
		{"may the month", "In May 2020 and in May the talks", date{}, []want{{"May 2020", "2020-05"}, {"May", "2020-05"}}},
		{"impossible day", "on 31 February 2020", date{}, []want{{"February 2020", "2020-02"}}},
		{"leap day", "on 29 February 2020", date{}, []want{{"29 February 2020", "2020-02-29"}}},
		{"no dates", "The Iranian Embassy in Tirana did not comment on the move right away.", story, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findDates(tt.s, tt.ref)
			var g []want
			for _, m := range got {
				g = append(g, want{m.Text, m.Date.String()})
			}
			if len(g) != len(tt.want) {
				t.Fatalf("findDates(%q) = %v, want %v", tt.s, g, tt.want)
			}
			for i := range g {
				if g[i] != tt.want[i] {
					t.Errorf("findDates(%q)[%d] = %v, want %v", tt.s, i, g[i], tt.want[i])
				}
			}
		})
	}
}

func TestDateLess(t *testing.T) {
	in := []date{{2022, 9, 7}, {0, 7, 15}, {1978, 0, 0}, {2022, 0, 0}, {2022, 7, 15}, {2022, 7, 0}, {0, 3, 0}}
	for i := 0; i < len(in); i++ {
		for j := i + 1; j < len(in); j++ {
			if in[i].less(in[j]) == in[j].less(in[i]) && in[i] != in[j] {
				t.Errorf("less(%v,%v) and less(%v,%v) agree", in[i], in[j], in[j], in[i])
			}
		}
	}
	if !(date{2022, 0, 0}).less(date{2022, 7, 15}) || !(date{2022, 9, 7}).less(date{0, 1, 1}) || !(date{0, 3, 0}).less(date{0, 7, 15}) {
		t.Error("order by what is known is wrong")
	}
}

func FuzzFindDates(f *testing.F) {
	for _, s := range []string{"20 June 1981", "July 15", "on Wednesday", "since 2014 when", "Sept. 3, 2019", "May", "2022-09-07", "31 February 2020", "mid-July 2022"} {
		f.Add(s, 2022, 9, 7)
	}
	f.Fuzz(func(t *testing.T, s string, y, m, d int) {
		ref := date{}
		if y > 0 && y < 10000 && m >= 1 && m <= 12 && d >= 1 && d <= 28 {
			ref = date{y, m, d}
		}
		prev := -1
		for _, mm := range findDates(s, ref) {
			if mm.Start < 0 || mm.End > len(s) || mm.Start >= mm.End || mm.Start < prev {
				t.Fatalf("bad span %d-%d in %q", mm.Start, mm.End, s)
			}
			prev = mm.End
			if !strings.Contains(s[mm.Start:mm.End], mm.Text) || !utf8.ValidString(mm.Text) && utf8.ValidString(s) {
				t.Fatalf("text %q not in span %q", mm.Text, s[mm.Start:mm.End])
			}
			if ds := mm.Date.String(); ds != "" {
				if mm.Date.M != 0 && (mm.Date.M < 1 || mm.Date.M > 12) || mm.Date.D != 0 && !validDay(mm.Date) {
					t.Fatalf("invalid normalised date %q from %q", ds, mm.Text)
				}
			}
		}
	})
}
