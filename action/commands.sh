#!/usr/bin/env bash
# Sourced by the action's scripts. GitHub parses a workflow command's
# properties at ',' and ':' and its message at '%' escapes, so a title or a
# path printed raw is cut short or misread: gh_error escapes both parts as
# the runner's own toolkit does (actions/toolkit, core/src/command.ts).

# gh_escape_data escapes a message.
gh_escape_data() {
	local s=$1
	s=${s//'%'/%25}
	s=${s//$'\r'/%0D}
	s=${s//$'\n'/%0A}
	printf '%s' "$s"
}

# gh_escape_property escapes a property value such as title=.
gh_escape_property() {
	local s
	s=$(gh_escape_data "$1")
	s=${s//:/%3A}
	s=${s//,/%2C}
	printf '%s' "$s"
}

# gh_error TITLE MESSAGE prints an error annotation.
gh_error() {
	printf '::error title=%s::%s\n' "$(gh_escape_property "$1")" "$(gh_escape_data "$2")"
}
