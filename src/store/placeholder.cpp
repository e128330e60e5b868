namespace dossier::store {}
