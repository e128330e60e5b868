namespace dossier::extract {}
