"""Small framework builders for the framework tests."""

import copy

from portal.frameworks.loader import load_framework

MINIMAL = {
    "code": "pcf",
    "version": "2018",
    "title": "Professional Capabilities Framework",
    "publisher": "British Association of Social Workers",
    "status": "active",
    "levels": [
        {"code": "asye", "title": "Newly qualified social worker (ASYE)",
         "description": "Year 1."},
        {"code": "social-worker", "title": "Social Worker", "description": "After the ASYE."},
    ],
    "elements": [
        {"code": "1", "title": "Professionalism", "description": "Accountable.", "verified": True,
         "group": "Impact",
         "children": [
             {"code": "1.1", "title": "Supervision", "description": "Uses it.", "verified": False},
         ]},
        {"code": "2", "title": "Values and Ethics", "description": "Values.", "verified": True,
         "group": "Purpose"},
    ],
}


def framework_data(**changes) -> dict:
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def make_framework(**changes):
    return load_framework(framework_data(**changes))
