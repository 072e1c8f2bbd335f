// The system calls ringlib makes to create and map segments, behind a table
// of function pointers so tests can make each one fail (as fmt does for its
// file API). Production code never changes the table.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>

namespace ringlib::sys {

struct Calls {
  int (*shm_open)(const char* name, int flags, mode_t mode);
  int (*shm_unlink)(const char* name);
  int (*fchmod)(int fd, mode_t mode);
  int (*posix_fallocate)(int fd, off_t offset, off_t length);  // returns an errno value
  int (*fstat)(int fd, struct stat* st);
  void* (*mmap)(void* addr, std::size_t length, int prot, int flags, int fd, off_t offset);
};

// The table in use. Tests may replace entries and must restore them
// (see tests/ring/sys_fault_test.cpp for a scoped helper).
Calls& Get() noexcept;
// The real system calls.
const Calls& Real() noexcept;

}  // namespace ringlib::sys
