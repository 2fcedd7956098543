#include "answer/image_linker.hpp"

#include <cmark-gfm.h>

#include <vector>

#include "ingest/note_image.hpp"

namespace qabot::answer {

ImageLinker::ImageLinker(std::string_view source) : source_(ingest::NoteImage::without_line(source)) {}

void ImageLinker::apply(cmark_node* document) const {
  std::vector<cmark_node*> images;
  cmark_iter* it = cmark_iter_new(document);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_IMAGE) images.push_back(node);
  }
  cmark_iter_free(it);  // the tree is changed only once the walk is over
  for (cmark_node* image : images) {
    const char* raw = cmark_node_get_url(image);
    const std::string_view url = raw ? std::string_view(raw) : std::string_view();
    if (!ingest::NoteImage::is_relative(url)) continue;
    if (const auto name = ingest::NoteImage::resolve(source_, url)) {
      cmark_node_set_url(image, ingest::NoteImage::url_path(*name).c_str());
      continue;
    }
    // Unservable: its alt text (the image's children) takes its place, as
    // inline content.
    while (cmark_node* child = cmark_node_first_child(image)) cmark_node_insert_before(image, child);
    cmark_node_free(image);
  }
}

}  // namespace qabot::answer
