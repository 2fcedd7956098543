#pragma once
// Points the images of a rendered answer at the server: a relative URL in a
// note
// (`![](./images/x.png)` in notes/ml/cnn.md) means a file beside the note,
// which the server serves at /notes/notes/ml/images/x.png (ingest::NoteImage).
// Done on the cmark tree (the image node's URL), never on HTML text. Web
// (http:, https:), data:, protocol-relative and absolute URLs are left as they
// are; a relative URL that leads out of the note's root, or of a note indexed
// without a root, cannot be served, and the image becomes its alt text.

#include <string>
#include <string_view>

struct cmark_node;

namespace qabot::answer {

class ImageLinker {
 public:
  // `source`: the note the markdown comes from, as the bank names it
  // ("notes/ml/cnn.md"; a trailing ":line" is ignored).
  explicit ImageLinker(std::string_view source);

  void apply(cmark_node* document) const;

 private:
  std::string source_;
};

}  // namespace qabot::answer
