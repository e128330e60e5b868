#include "ingest/project.h"

#include <gtest/gtest.h>

namespace dossier::ingest {
namespace {

TEST(StoppedWriting, DiskFullSaysHowMuchIsFreeWhereAndWhatToDo) {
  Error cause{ErrorCode::kDiskFull,
              "cannot write: No space left on device; the disk is full: free space and run the "
              "same command again",
              "/p/blobs/tmp/put-1.tmp"};
  Error e = stopped_writing(cause, "/tmp");
  EXPECT_EQ(e.code, ErrorCode::kDiskFull);
  EXPECT_EQ(e.message.rfind("disk full: ", 0), 0u) << e.message;
  EXPECT_NE(e.message.find(" MB free on /tmp; free space and run `dossier ingest` again to finish"),
            std::string::npos)
      << e.message;
  EXPECT_EQ(e.context, "cannot write: No space left on device: /p/blobs/tmp/put-1.tmp");
}

TEST(StoppedWriting, AnIoErrorInTheProjectSaysToCheckTheDisk) {
  Error cause{ErrorCode::kIo,
              "cannot commit the catalog transaction: disk I/O error; the operating system refused",
              "/p/dossier.db"};
  Error e = stopped_writing(cause, "/p");
  EXPECT_EQ(e.code, ErrorCode::kIo);
  EXPECT_EQ(e.message,
            "I/O error writing the project at /p; check the disk (dmesg), then run `dossier "
            "ingest` again "
            "to finish");
  EXPECT_EQ(e.context, "cannot commit the catalog transaction: disk I/O error: /p/dossier.db");
}

TEST(StoppedWriting, OtherErrorsAreKept) {
  Error elsewhere{ErrorCode::kIo, "cannot read: Input/output error", "/leak/bad-sector.doc"};
  EXPECT_EQ(stopped_writing(elsewhere, "/p").message, elsewhere.message);
  Error internal{ErrorCode::kInternal, "ingest stopped before every document was written", "abc"};
  EXPECT_EQ(stopped_writing(internal, "/p").message, internal.message);
}

}  // namespace
}  // namespace dossier::ingest
