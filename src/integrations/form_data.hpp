#pragma once
// application/x-www-form-urlencoded bodies (Slack's slash commands and interactivity payloads).

#include <map>
#include <string>
#include <string_view>

namespace qabot::integrations {

// "a=1&b=x+y%21" → {a: "1", b: "x y!"}. A malformed escape is kept as it is; the last of repeated
// keys wins.
std::map<std::string, std::string> parse_form(std::string_view body);

std::string url_decode(std::string_view text);
std::string url_encode(std::string_view text);  // unreserved characters kept, space → "%20"

}  // namespace qabot::integrations
