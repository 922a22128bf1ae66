/* main.c -- the CUnit runner: one suite per module; exits with the number of failures. */
#include <CUnit/Basic.h>

#include "tests.h"

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    int (*suites[])(void) = { register_number_suite,       register_csv_suite,        register_store_suite,
                              register_catalogue_suite,    register_normalize_suite,  register_compare_suite,
                              register_json_suite,         register_alloc_suite,      register_real_data_suite,
                              register_files_suite,        register_cells_suite,      register_deflate_suite,
                              register_import_cells_suite, register_uncertainty_suite };
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i]() != 0) {
            fprintf(stderr, "cannot register suite %zu: %s\n", i, CU_get_error_msg());
            CU_cleanup_registry();
            return 1;
        }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned asserts_failed = CU_get_number_of_failures();
    printf("\nCUnit: %u tests run, %u failed, %u assertions failed\n", CU_get_number_of_tests_run(),
           CU_get_number_of_tests_failed(), asserts_failed);
    CU_cleanup_registry();
    return failures > 255 ? 255 : (int)failures;
}
