// Everything ringlib offers, in one include.
#pragma once

#include "ringlib/circular_buffer.hpp"
#include "ringlib/error.hpp"
#include "ringlib/layout.hpp"
#include "ringlib/shared_memory.hpp"
#include "ringlib/inspect.hpp"
