"""spaCy components of cgt-kg, assembled by `kg.nlp.pipeline.load_pipeline`."""
