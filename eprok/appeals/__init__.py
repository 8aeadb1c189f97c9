"""Citizens' appeals (Law "On citizens' appeals", No. 1308-IVQ of 30 Sep 2015).

Core (models, services, selectors, access, terms, API): helper A1. Pages (views, forms, templates,
guide): helper A2. Public entry points other apps call: `services.appeal_register`,
`services.appeal_issue_access_code`, `selectors.appeal_for_applicant`, `selectors.appeal_public_status`.
"""
