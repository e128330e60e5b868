namespace dossier::text {}
