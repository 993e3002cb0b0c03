// Private files and directories under a permissive umask, on a real file system.
#include "base/private_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace madoguchi {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

class PrivateFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "private-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    old_umask_ = ::umask(022);  // what a shell usually gives: files 0644, directories 0755
  }
  void TearDown() override {
    ::umask(old_umask_);
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  mode_t old_umask_ = 0;
};

TEST_F(PrivateFilesTest, DirectoryIsCreatedOrTightenedTo0700) {
  const std::string data = dir_ + "/a/b/data";
  ASSERT_TRUE(MakePrivateDirectory(data).ok());
  EXPECT_EQ(ModeOf(data), 0700u);
  const std::string old = dir_ + "/old";
  std::filesystem::create_directory(old);
  ASSERT_EQ(ModeOf(old), 0755u);
  ASSERT_TRUE(MakePrivateDirectory(old).ok());
  EXPECT_EQ(ModeOf(old), 0700u);
}

TEST_F(PrivateFilesTest, DatabaseAndCompanionsAre0600) {
  const std::string db = dir_ + "/x.db";
  ASSERT_TRUE(MakePrivateDatabaseFile(db).ok());
  EXPECT_EQ(ModeOf(db), 0600u);
  // Files an earlier release left readable are tightened.
  std::ofstream(db + "-wal") << "wal";
  std::ofstream(db + "-shm") << "shm";
  ASSERT_EQ(ModeOf(db + "-wal"), 0644u);
  ::chmod(db.c_str(), 0644);
  ASSERT_TRUE(MakePrivateDatabaseFile(db).ok());
  EXPECT_EQ(ModeOf(db), 0600u);
  EXPECT_EQ(ModeOf(db + "-wal"), 0600u);
  EXPECT_EQ(ModeOf(db + "-shm"), 0600u);
  EXPECT_TRUE(MakePrivateDatabaseFile(":memory:").ok());
  EXPECT_FALSE(MakePrivateDatabaseFile(dir_ + "/missing/x.db").ok());
}

}  // namespace
}  // namespace madoguchi
