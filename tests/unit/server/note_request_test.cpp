#include "server/note_request.hpp"

#include <gtest/gtest.h>

namespace qabot::server {
namespace {

TEST(NoteRequestTest, DecodesEachSegmentOnce) {
  EXPECT_EQ(NoteRequest::name_of("/notes/notes/ml/img/a.png"), "notes/ml/img/a.png");
  EXPECT_EQ(NoteRequest::name_of("/notes/notes/a%20b.png"), "notes/a b.png");
  EXPECT_EQ(NoteRequest::name_of("/notes/notes/%E5%9B%BE.png"), "notes/图.png");
  EXPECT_EQ(NoteRequest::name_of("/notes/notes/%2541.png"),
            "notes/%41.png");  // once: %25 → %, not A
  EXPECT_EQ(NoteRequest::name_of("/notes/my%20notes/a.png"), "my notes/a.png");
  // A file literally named "%2e%2e" is a name, not a way up: decoding stops
  // after one pass.
  EXPECT_EQ(NoteRequest::name_of("/notes/notes/%252e%252e/x.png"), "notes/%2e%2e/x.png");
}

TEST(NoteRequestTest, RefusesEveryWayAround) {
  for (const char* path : {"/notes/notes/../x.png",
                           "/notes/notes/ml/../../x.png",
                           "/notes/../notes/x.png",
                           "/notes/./x.png",
                           "/notes/notes/./x.png",
                           "/notes/notes/.",
                           "/notes/notes/..",  // dot segments
                           "/notes/notes/%2e%2e/x.png",
                           "/notes/notes/%2E%2E/x.png",
                           "/notes/notes/.%2e/x.png",  // encoded dots
                           "/notes/notes/%2e/x.png",
                           "/notes/notes%2fx.png",
                           "/notes/notes/ml%2Fx.png",  // encoded slash
                           "/notes/notes/ml%5cx.png",
                           "/notes/notes/ml%5Cx.png",
                           "/notes/notes/ml\\x.png",  // backslash
                           "/notes/notes/..\\x.png",
                           "/notes/notes/a%00.png",  // NUL
                           "/notes/notes//x.png",
                           "/notes//notes/x.png",
                           "/notes/notes/x.png/",
                           "/notes/",  // empty segments
                           "/notes/notes",
                           "/notes/x.png",
                           "/notesx/notes/a.png",
                           "/static/notes/a.png",  // not a file below a root
                           "/notes/notes/a%zz.png",
                           "/notes/notes/a%2.png",
                           "/notes/notes/a%"}) {  // bad escapes
    EXPECT_EQ(NoteRequest::name_of(path), std::nullopt) << path;
  }
}

TEST(NoteRequestTest, RefusesAnEmbeddedNul) {
  using namespace std::string_view_literals;
  EXPECT_EQ(NoteRequest::name_of("/notes/notes/a\0.png"sv), std::nullopt);
}

}  // namespace
}  // namespace qabot::server
