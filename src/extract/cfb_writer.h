// Writes a storage of an opened compound file out as a compound file of its own, so that an
// embedded object (a Word document inside a Word document, a message attached to a message)
// becomes a child document that every OLE module can read.
#pragma once

#include "extract/cfb_reader.h"

namespace dossier::extract {

// How to adjust the copy: kAsTopLevelMessage widens an embedded message's
// "__properties_version1.0" header from 24 to 32 bytes, as MS-OXMSG wants for a .msg file.
enum class CfbCopy { kPlain, kAsTopLevelMessage };

// The subtree under `storage` as a version 3 compound file (512-byte sectors). kLimit when its
// streams hold more than `max_bytes`; errors reading a stream are passed on.
Result<std::string> copy_storage(const CfbReader& cfb, const CfbEntry& storage, uint64_t max_bytes,
                                 CfbCopy how = CfbCopy::kPlain);

}  // namespace dossier::extract
