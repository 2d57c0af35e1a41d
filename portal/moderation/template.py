"""The moderator's template (Skills for Care's model): a checklist of the evidence an ASYE
portfolio must hold, then four questions about the judgement, each yes or no with comments."""

EVIDENCE_CHECKLIST = (
    ("reflection_log", "Critical reflection log for each stage"),
    ("development_plans", "Professional development plans for each stage"),
    ("observations", "At least three direct observations of practice"),
    ("people_feedback", "Feedback from people who draw on services"),
    ("colleague_feedback", "Feedback from other professionals"),
    ("records_verified", "Verification of written records or reports"),
    ("support", "Evidence of supervision, protected time and a reduced workload"),
    ("final_report", "The assessor's holistic final report with a recommendation"),
)

JUDGEMENT_QUESTIONS = (
    ("accurate", "Accurate", "The judgement matches the KSS and the PCF."),
    ("valid", "Valid", "The evidence covers the breadth of the year."),
    ("robust", "Robust", "The judgement was checked and is defensible."),
    ("sufficient", "Sufficient", "There is enough evidence for the judgement."),
)
