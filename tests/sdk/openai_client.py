"""The official `openai` Python SDK against Concierge's OpenAI-compatible API.

Run by tests/api/openai.rs (`the_openai_python_sdk_talks_to_the_agents`) against a server it
started on a free port with the scripted model, a client's key that may propose actions, and a
rate of 4 messages a minute. Exits non-zero with the reason on the first check that fails.
"""

import os
import sys

import openai
from openai import OpenAI

URL = os.environ["CONCIERGE_URL"]
KEY = os.environ["CONCIERGE_KEY"]
MODEL = os.environ["CONCIERGE_MODEL"]
OTHER = os.environ["CONCIERGE_OTHER_MODEL"]

# No retries: every answer is the server's first.
client = OpenAI(base_url=URL + "/v1", api_key=KEY, max_retries=0, timeout=60)


def check(cond, what):
    if not cond:
        print("FAILED:", what, flush=True)
        sys.exit(1)
    print("ok:", what.split("\n")[0][:100], flush=True)


# The models the key reaches: the client agent over the member's own event, not another's.
ids = [m.id for m in client.models.list()]
check(MODEL in ids, f"models lists {MODEL}: {ids}")
check(OTHER not in ids, f"models does not list another client's event: {ids}")

# A whole completion.
r = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hello from the SDK"}])
text = r.choices[0].message.content
check(r.object == "chat.completion" and "Hello from the SDK" in text, f"a completion answers: {text!r}")
check(r.usage is not None and r.usage.total_tokens > 0, f"usage is returned: {r.usage}")

# A streamed one, with its usage at the end.
chunks = list(
    client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Stream this please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
)
streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
check("Stream this please" in streamed, f"a streamed completion answers: {streamed!r}")
check(chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0, "the last chunk carries usage")
check(any(c.choices and c.choices[0].finish_reason == "stop" for c in chunks), "the stream ends with stop")

# A tool-using turn: the agent proposes adding a guest, which waits for a person.
r = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": 'Add Mallory [[call add_guest {"name": "Mallory SDK"}]]'}],
)
text = r.choices[0].message.content
check("Waiting for approval" in text and "/chat/" in text, f"an action waits for approval, with a link: {text!r}")

# Errors, as the SDK's own exceptions.
try:
    OpenAI(base_url=URL + "/v1", api_key="ck_" + "0" * 64, max_retries=0).models.list()
    check(False, "a wrong key is refused")
except openai.AuthenticationError as e:
    check(e.status_code == 401, "a wrong key is a 401 (AuthenticationError)")

try:
    client.chat.completions.create(model=MODEL, messages=[])
    check(False, "an empty conversation is refused")
except openai.BadRequestError as e:
    check(e.status_code == 400 and e.body.get("param") == "messages", f"no messages is a 400: {e.body}")

try:
    client.chat.completions.create(model=OTHER, messages=[{"role": "user", "content": "Show their guests"}])
    check(False, "another client's event is refused")
except openai.NotFoundError as e:
    check(e.status_code == 404 and e.body.get("code") == "model_not_found", f"another client's event is a 404: {e.body}")

# Four messages a minute: the fourth goes through, the fifth is refused.
limited = None
for i in range(3):
    try:
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": f"Once more {i}"}])
    except openai.RateLimitError as e:
        limited = e
        break
check(limited is not None and limited.status_code == 429, "over the member's rate: a 429 (RateLimitError)")
check(limited.response.headers.get("retry-after") is not None, "with Retry-After")

print("all SDK checks passed", flush=True)
