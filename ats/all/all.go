// Package all links in every ATS connector. A connector registers itself
// with package ats from its init function (Register, Declare, RegisterInfo),
// so it is only available once something imports it; importing this one
// package makes all of them available, and a new connector is added here
// instead of in every program that wants the full set:
//
//	import _ "github.com/hireloop/hireloop/ats/all"
package all

import (
	_ "github.com/hireloop/hireloop/ats/ashby"
	_ "github.com/hireloop/hireloop/ats/bamboohr"
	_ "github.com/hireloop/hireloop/ats/greenhouse"
	_ "github.com/hireloop/hireloop/ats/kombo"
	_ "github.com/hireloop/hireloop/ats/lever"
	_ "github.com/hireloop/hireloop/ats/merge"
	_ "github.com/hireloop/hireloop/ats/personio"
	_ "github.com/hireloop/hireloop/ats/recruitee"
	_ "github.com/hireloop/hireloop/ats/smartrecruiters"
	_ "github.com/hireloop/hireloop/ats/teamtailor"
	_ "github.com/hireloop/hireloop/ats/workable"
)
