// The knowledge-base loader on a copy of the bundled kagawa program and the shared entries in a
// temp dir, one file at a time mutated byte by byte or node by node (wrong types, missing and
// odd keys, huge values, deep nesting), replaced by random bytes, emptied or made a folder:
// never a crash nor an exception, and a knowledge base refused comes with its problems named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/mutator.h"
#include "kb/knowledge_base.h"
#include "rules/placeholders.h"
#include "service/engine.h"

namespace madoguchi::fuzz {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

class KbLoaderFuzz : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("madoguchi-kb-fuzz-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const fs::path bundled = service::DefaultDataPath("faq");
    for (const char* program : {"kagawa", "common"}) {
      fs::copy(bundled / program, dir_ / program, fs::copy_options::recursive);
    }
    for (const char* file : {"kagawa/program.json", "kagawa/faq.json", "common/faq.json"}) {
      files_.push_back(dir_ / file);
      originals_.push_back(Read(dir_ / file));
    }
    options_.known_placeholders = rules::KnownPlaceholders();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Loads; a refusal must name its problems.
  void Load() {
    std::vector<kb::LoadProblem> problems;
    StatusOr<kb::KnowledgeBase> kb = kb::LoadKnowledgeBase(dir_.string(), options_, &problems);
    if (!kb.ok()) {
      EXPECT_FALSE(kb.status().message().empty());
    }
  }

  fs::path dir_;
  std::vector<fs::path> files_;
  std::vector<std::string> originals_;
  kb::LoadOptions options_;
};

TEST_F(KbLoaderFuzz, TheCopyLoads) {
  std::vector<kb::LoadProblem> problems;
  StatusOr<kb::KnowledgeBase> kb = kb::LoadKnowledgeBase(dir_.string(), options_, &problems);
  ASSERT_TRUE(kb.ok()) << kb.status().ToString();
}

TEST_F(KbLoaderFuzz, MutatedFiles) {
  const std::vector<std::string> dictionary = {
      "{",  "}",  "[",      "]",          "\"",           ",", ":", "null",
      "{{", "}}", "\"id\"", "\"answer\"", "\"followups\""};
  Mutator m(0x6b62);
  for (int i = 0; i < Iterations(150); ++i) {
    const size_t f = m.Below(files_.size());
    if (m.OneIn(2)) {
      json doc = json::parse(originals_[f]);
      for (size_t k = 1 + m.Below(3); k > 0; --k) m.MutateJson(doc);
      Write(files_[f], doc.dump());
    } else {
      Write(files_[f], m.Mutate(originals_[f], dictionary));
    }
    Load();
    Write(files_[f], originals_[f]);
    if (HasFatalFailure()) FAIL() << "iteration " << i << ", " << files_[f];
  }
}

TEST_F(KbLoaderFuzz, BrokenFilesAndFolders) {
  Mutator m(0x666f6c64);
  for (size_t f = 0; f < files_.size(); ++f) {
    std::vector<std::string> contents = ExtremeInputs(originals_[f]);
    contents.push_back(m.Random(4096));
    for (const std::string& content : contents) {
      Write(files_[f], content);
      Load();
    }
    fs::remove(files_[f]);  // missing
    Load();
    fs::create_directory(files_[f]);  // a folder where a file should be
    Load();
    fs::remove(files_[f]);
    Write(files_[f], originals_[f]);
  }
  // A program folder of random bytes, and one with no program.json.
  fs::create_directories(dir_ / "noise");
  Write(dir_ / "noise" / "program.json", m.Random(512));
  Write(dir_ / "noise" / "faq.json", m.Random(512));
  Load();
  fs::create_directories(dir_ / "empty");
  Load();
}

}  // namespace
}  // namespace madoguchi::fuzz
