#include "custody/note.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "custody/codec.h"
#include "custody/proof_file.h"

namespace dossier::custody {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSpecVkey =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
constexpr std::string_view kSpecNote =
    "This is an example message.\n"
    "\n"
    "\xE2\x80\x94 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
    "\n";

// The example as printed in the spec file, when it is there: checks we read the spec right.
TEST(Note, SpecFileContainsTheExample) {
  fs::path spec = fs::path(DOSSIER_SHARED) / "specs" / "c2sp-signed-note.md";
  if (!fs::exists(spec))
    GTEST_SKIP() << "no spec at " << spec;
  std::ifstream in(spec);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find(kSpecVkey), std::string::npos);
  EXPECT_NE(ss.str().find(kSpecNote), std::string::npos);
}

TEST(Note, SpecExampleVerifies) {
  auto v = parse_verifier_key(kSpecVkey);
  ASSERT_TRUE(v.has_value()) << v.error().to_string();
  EXPECT_EQ(v->key_id, 0x530d903au);
  EXPECT_EQ(v->vkey(), kSpecVkey);
  auto text = open_note(kSpecNote, *v);
  ASSERT_TRUE(text.has_value()) << text.error().to_string();
  EXPECT_EQ(*text, "This is an example message.\n");
}

TEST(Note, EveryOneBitFlipOfTheTextOrSignatureFails) {
  auto v = parse_verifier_key(kSpecVkey).value();
  std::string note(kSpecNote);
  for (size_t i = 0; i < note.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = note;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      EXPECT_FALSE(open_note(flipped, v).has_value()) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(Note, WrongKeyOrUnknownSignerIsRejected) {
  auto other = Signer::generate("example.com/foo").value();
  EXPECT_FALSE(open_note(kSpecNote, other.verifier()).has_value());
  // A vkey whose ID does not match its key is refused outright.
  EXPECT_FALSE(
      parse_verifier_key("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
          .has_value());
}

TEST(Note, SignVerifyRoundTripAndKeyStorage) {
  auto s = Signer::generate("dossier.invalid/test").value();
  std::string note = s.sign("hello\nworld\n");
  EXPECT_EQ(open_note(note, s.verifier()).value(), "hello\nworld\n");
  auto again = Signer::parse(s.encode() + "\n").value();
  EXPECT_EQ(again.verifier().vkey(), s.verifier().vkey());
  EXPECT_EQ(again.sign("x\n"), s.sign("x\n"));  // Ed25519 is deterministic
  EXPECT_EQ(parse_verifier_key(s.verifier().vkey()).value().key, s.verifier().key);
  EXPECT_EQ(s.encode().rfind("PRIVATE+KEY+dossier.invalid/test+", 0), 0u);
  // A second signature by an unknown key is ignored; a bad one by the known key is not.
  auto other = Signer::generate("witness.example").value();
  std::string cosigned = note + other.sign("hello\nworld\n").substr(13);
  EXPECT_TRUE(open_note(cosigned, s.verifier()).has_value()) << cosigned;
  EXPECT_FALSE(Signer::generate("bad name").has_value());
  EXPECT_FALSE(Signer::generate("bad+name").has_value());
}

TEST(Checkpoint, EncodeParseAndSign) {
  auto s = Signer::generate("dossier.invalid/cp").value();
  Checkpoint c{"dossier.invalid/cp", 20852163, sha256(std::string_view("root")), {}};
  std::string text = encode_checkpoint(c);
  EXPECT_EQ(parse_checkpoint(text).value(), c);
  auto opened = open_checkpoint(s.sign(text), s.verifier());
  ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
  EXPECT_EQ(*opened, c);
  EXPECT_FALSE(parse_checkpoint("o\n007\nAAAA\n").has_value());
  EXPECT_FALSE(parse_checkpoint("o\n7\n").has_value());
  Checkpoint wrong_origin = c;
  wrong_origin.origin = "someone.else/log";
  EXPECT_FALSE(open_checkpoint(s.sign(encode_checkpoint(wrong_origin)), s.verifier()).has_value());
}

TEST(TlogProof, EncodeParseRoundTripFollowsTheSpecLayout) {
  auto s = Signer::generate("example.com/fancylog").value();
  TlogProof p;
  p.extra = std::string("age-v1.2.1");
  p.index = 73894;
  p.path = {sha256(std::string_view("a")), sha256(std::string_view("b"))};
  p.checkpoint = s.sign(encode_checkpoint({"example.com/fancylog", 109482, {}, {}}));
  std::string text = encode_tlog_proof(p);
  EXPECT_EQ(text.rfind("c2sp.org/tlog-proof@v1\nextra YWdlLXYxLjIuMQ==\nindex 73894\n", 0), 0u);
  EXPECT_NE(text.find("=\n\nexample.com/fancylog\n109482\n"), std::string::npos);
  EXPECT_EQ(parse_tlog_proof(text).value(), p);
  p.extra.reset();
  p.path.clear();
  EXPECT_EQ(parse_tlog_proof(encode_tlog_proof(p)).value(), p);
  EXPECT_FALSE(parse_tlog_proof("c2sp.org/tlog-proof@v1\nindex 01\n\nx\n").has_value());
  EXPECT_FALSE(parse_tlog_proof("c2sp.org/tlog-proof@v2\nindex 1\n\nx\n").has_value());
  EXPECT_FALSE(parse_tlog_proof("c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\nx\n").has_value());
}

}  // namespace
}  // namespace dossier::custody
