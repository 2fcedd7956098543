#!/usr/bin/python3
"""`qabot chat` against the real server, as a person at a terminal uses it: a question, then a quiz
round typed into the chat ("考考我", an answer), then another question.

Run by CTest (label integration); about 2 s. Exit 0 = passed, 1 = a failure (printed).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from qabot_process import ServerDidNotStart, bundled_notes_args, serve_bundled_notes  # noqa: E402


def main():
    args = bundled_notes_args()
    failures = []
    out = ""
    try:
        with serve_bundled_notes(args, "qabot-chat-") as (_, address):
            typed = "BN有什么作用\n考考我\n我不知道\nquiz me\n/skip\nBN有什么作用\n"
            chat = subprocess.run([args.qabot, "chat", "ws://%s/ws" % address], input=typed, text=True,
                                  capture_output=True, timeout=30)
            out = chat.stdout
            if chat.returncode != 0:
                failures.append("chat exited %d: %s" % (chat.returncode, chat.stderr))
            if out.count("加速训练") < 2:
                failures.append("the BN answer was not printed before and after the quiz")
            if out.count("Quiz [") != 2:
                failures.append("expected two quiz questions")
            if "Not yet: score" not in out or "The note's answer:" not in out:
                failures.append("the quiz answer was not graded with the note's answer")
            if "error (" in chat.stderr:
                failures.append("the server answered with an error: %s" % chat.stderr)
    except ServerDidNotStart as error:
        print("FAIL: " + str(error), file=sys.stderr)
        return 1
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if failures:
        print("chat output:\n" + out, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
