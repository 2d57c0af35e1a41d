"""Framework files as an administrator would upload them."""

import io

HEADER = ("framework_code,framework_version,framework_title,publisher,code,parent_code,title,"
          "description,group,verified\n")
GOOD_CSV = HEADER + """\
ecs-test,2026,Early career standards (test),Department for Education,1,,Standard one,About one.,,yes
ecs-test,2026,,,1.1,1,Statement one point one,,,no
ecs-test,2026,,,2,,Standard two,,,yes
"""

BAD_CSV = HEADER + """\
ecs-test,2026,Early career standards (test),Department for Education,1,,Standard one,,,yes
ecs-test,2026,,,1,,Standard one again,,,yes
ecs-test,2026,,,2.1,2,Orphan statement,,,no
ecs-other,2026,,,3,,,,,maybe
"""

GOOD_YAML = """code: ecs-yaml
version: "2026"
title: Early career standards (YAML test)
publisher: Department for Education
status: active
elements:
  - code: "1"
    title: Standard one
    description: About one.
    verified: true
"""


def upload(name: str, text: str) -> dict:
    """Form data for the upload page with `text` as the chosen file."""
    return {"framework_file": (io.BytesIO(text.encode("utf-8")), name)}
