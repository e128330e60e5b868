namespace dossier::custody {}
