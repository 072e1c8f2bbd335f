#include "ringlib/sys.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace ringlib::sys {
namespace {
const Calls kReal{
    .shm_open = ::shm_open,
    .shm_unlink = ::shm_unlink,
    .fchmod = ::fchmod,
    .posix_fallocate = ::posix_fallocate,
    .fstat = ::fstat,
    .mmap = ::mmap,
};
Calls g_calls = kReal;
}  // namespace

Calls& Get() noexcept { return g_calls; }
const Calls& Real() noexcept { return kReal; }

}  // namespace ringlib::sys
