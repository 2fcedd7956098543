# Notes ingestion: encodings, title cleaning, markdown → questions, file discovery.
qabot_add_test(text_decoder_test unit SOURCES ingest/text_decoder_test.cpp LIBS qabot_ingest ICU::uc)
qabot_add_test(title_cleaner_test unit SOURCES ingest/title_cleaner_test.cpp LIBS qabot_ingest)
qabot_add_test(markdown_parser_test unit SOURCES ingest/markdown_parser_test.cpp LIBS qabot_ingest)
# Labels, difficulty tags, answer summaries and placeholders: the marks that say where a question is.
qabot_add_test(question_shape_test unit SOURCES ingest/question_shape_test.cpp LIBS qabot_ingest)
qabot_add_test(note_scanner_test unit SOURCES ingest/note_scanner_test.cpp LIBS qabot_ingest)
qabot_add_test(front_matter_test unit SOURCES ingest/front_matter_test.cpp LIBS qabot_ingest)
qabot_add_test(heading_context_test unit SOURCES store/heading_context_test.cpp LIBS qabot_store)
# Note images: URLs relative to a note → names below an indexed root; image types by name and content.
qabot_add_test(note_image_test unit SOURCES ingest/note_image_test.cpp LIBS qabot_ingest)
