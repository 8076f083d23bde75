"""The card's sections in order (Hugging Face model card template), and their partials."""

# Partial names under templates/sections/, in card order.
SECTIONS = ("header", "summary", "scorecard", "model_details", "uses", "risks", "get_started", "training", "evaluation",
            "examination", "environment", "specs", "closing")

# The level-2 headings every card has, in this order (tests check it).
HEADINGS = ("Model Details", "Uses", "Bias, Risks, and Limitations", "How to Get Started with the Model",
            "Training Details", "Evaluation", "Model Examination", "Environmental Impact",
            "Technical Specifications", "Citation", "Glossary", "More Information", "Model Card Authors",
            "Model Card Contact")
