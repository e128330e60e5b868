namespace dossier::index {}
