namespace dossier::ingest {}
