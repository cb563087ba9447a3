from __future__ import annotations

import fbruntime.pipelines


def test_public_surface_is_pinned() -> None:
    assert sorted(fbruntime.pipelines.__all__) == sorted(
        [
            "NO_DEFAULT",
            "AttemptTimeout",
            "Operation",
            "OperationError",
            "OperationRegistry",
            "PipelineRun",
            "RunStatus",
            "Services",
            "TaskContext",
            "TaskScope",
            "TaskStatus",
            "current_task",
            "spec_of",
            "DependentValue",
            "OperationSpec",
            "ParamSpec",
            "ParamType",
            "ParamTypeError",
            "Pipeline",
            "PipelineConfig",
            "PipelineError",
            "Problem",
            "Reference",
            "ReferenceSyntaxError",
            "ResolutionError",
            "RetryPolicy",
            "TaskConfig",
            "TaskGraph",
            "TaskPlan",
            "Template",
            "check_pipeline",
            "delay_for_attempt",
            "error_kinds",
            "evaluate",
            "find_cycles",
            "load_pipeline",
            "param_type",
            "parse_config",
            "parse_config_json",
            "parse_dependent",
            "parse_reference",
            "parse_template",
            "pipeline_from_json",
            "read_config",
            "render",
            "resolve",
            "should_retry",
            "validate_pipeline",
        ]
    )
    for name in fbruntime.pipelines.__all__:
        assert getattr(fbruntime.pipelines, name) is not None
