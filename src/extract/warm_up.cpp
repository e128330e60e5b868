// Library set-up ahead of the sandbox's seccomp filter; see registry.h.
#include <ctime>

#include "extract/email_extractor.h"
#include "extract/image_extractor.h"
#include "extract/libxml2_util.h"
#include "extract/registry.h"

namespace dossier::extract {

void warm_up_libraries() {
  ::tzset();  // reads /etc/localtime once; localtime_r never opens it again
  ensure_gmime_initialized();
  ensure_libxml2_initialized();
  ensure_exiv2_initialized();
  (void)Registry::instance();
}

}  // namespace dossier::extract
